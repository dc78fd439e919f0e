// Differential test of the unit count by rows (src/sql/unit-row-bounds.ts, src/sql/undecided-groups.ts):
// seeded random grouped aggregates over every personal table and a join on units, each released through the
// real sandbox twice — as the service runs it (count(*) first, undecided groups refined) and with the exact
// count(DISTINCT unit) only — must release the same groups with the same values and the same disclosure.
// The generated domain has heavy units (cards with far more trips than most), so every path is taken.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../sandbox/supervisor.ts';
import type { Principal } from '../src/auth/principal.ts';
import { loadCatalog } from '../src/catalog/load.ts';
import { loadConfig } from '../src/config.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { compileQuery, SqlCompiler } from '../src/sql/compile.ts';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { UnitRowBounds } from '../src/sql/unit-row-bounds.ts';
import { Prng } from './fuzz/prng.ts';
import { cachedDomainFile } from './support/domain.ts';
import { releaseText } from './support/release-text.ts';

const SEED = 20261127;
const QUERIES = 300;
const root = path.resolve(import.meta.dirname, '..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'diff', org: 'diff', roles: ['developer'], datasets: 'all', jti: 'diff', exp: 2e9 };

interface Source {
  readonly from: string;
  readonly keys: readonly string[];
  readonly measures: readonly string[];
  readonly filters: readonly string[];
}

const SOURCES: readonly Source[] = [
  {
    from: 'transit.card_trips',
    keys: ['line', 'card_type', 'board_stop', 'hour(boarded_at)', 'dayofweek(boarded_at)'],
    measures: ['count(*)', 'sum(fare)', 'avg(fare)', 'count(DISTINCT card_no)'],
    filters: ['hour(boarded_at) BETWEEN 6 AND 9', 'hour(boarded_at) >= 20', 'fare > 1', "card_type <> 'student'"],
  },
  {
    from: 'utilities.power_usage',
    keys: ['district', 'month', 'bucket(kwh, 100)'],
    measures: ['count(*)', 'sum(kwh)', 'avg(kwh)'],
    filters: ['kwh > 300', "month >= DATE '2024-06-01'"],
  },
  {
    from: 'utilities.heating_bills',
    keys: ['district', 'season'],
    measures: ['count(*)', 'sum(amount_due)', 'avg(area_m2)'],
    filters: ['area_m2 > 90'],
  },
  {
    from: 'social_security.insured',
    keys: ['insurance_type', 'status', 'year(start_date)'],
    measures: ['count(*)', 'avg(monthly_base)'],
    filters: ["status <> 'x'", "start_date >= DATE '2015-01-01'"],
  },
  {
    from: 'population.residents r JOIN utilities.power_usage p ON r.id_card = p.id_card',
    keys: ['r.district', 'r.gender', 'p.month'],
    measures: ['count(*)', 'avg(p.kwh)'],
    filters: ['p.kwh > 300'],
  },
];

function generate(rng: Prng): string {
  const s = rng.pick(SOURCES);
  const keys = rng.some(s.keys, rng.int(1, Math.min(2, s.keys.length)));
  const measures = rng.some(s.measures, rng.int(1, 2));
  const items = [...keys.map((k, i) => `${k} AS k${i}`), ...measures.map((m, i) => `${m} AS m${i}`)];
  const where = rng.chance(0.5) ? ` WHERE ${rng.pick(s.filters)}` : '';
  const having = rng.chance(0.2) ? ` HAVING count(*) > ${rng.int(1, 40)}` : '';
  const order = rng.chance(0.3) ? ' ORDER BY 1' : '';
  return `SELECT ${items.join(', ')} FROM ${s.from}${where} GROUP BY ${keys.map((_, i) => i + 1).join(', ')}${having}${order}`;
}

let home: string;
let sandbox: Sandbox;
let compiler: SqlCompiler;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'dsbx-unit-diff-'));
  const domainFile = await cachedDomainFile(3000);
  sandbox = await Sandbox.start({ domainFile, tmpDir: path.join(home, 'tmp'), pseudonymSecret: new Uint8Array(32).fill(3), ...loadConfig({ DSBX_HOME: home }).sandbox });
  const bounds = new UnitRowBounds();
  const report = await bounds.measure(catalog, policy.profiles.threshold.k, async (m) => (await sandbox.execute(m, { subject: 'dsbx', queryId: 'measure' })).rows[0]);
  expect(report.failed).toEqual([]);
  compiler = await SqlCompiler.create(catalog, { unitRowBounds: bounds });
}, 120_000);

afterAll(async () => {
  compiler?.close();
  await sandbox?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});


describe(`the unit count by rows against count(DISTINCT), ${QUERIES} seeded queries`, () => {
  it('releases the same groups, values and disclosure on every query, through each of its paths', async () => {
    const rng = new Prng(SEED);
    const paths = { decided: 0, refined: 0, exact: 0 };
    const differing: string[] = [];
    let offered = 0;
    for (let i = 0; i < QUERIES; i++) {
      const sql = generate(rng);
      const d = await compileQuery({ sql, mode: 'aggregate' }, principal, catalog, policy, compiler);
      if (d.effect !== 'allow' || d.compiled.unitCountByRows === undefined) continue;
      offered++;
      const compiled = d.compiled;
      const { unitCountByRows: _, ...exactPlan } = compiled;
      const fast = await sandbox.execute(compiled, { subject: principal.sub, queryId: `fast-${i}` });
      const exact = await sandbox.execute(exactPlan as CompiledQuery, { subject: principal.sub, queryId: `exact-${i}` });
      if (fast.answeredBy === undefined) paths.exact++;
      else if (fast.answeredBy.includes(';\n')) paths.refined++;
      else paths.decided++;
      if (releaseText(fast) !== releaseText(exact)) differing.push(sql);
    }
    console.log(`unit count by rows: ${offered} of ${QUERIES} queries offered it; paths ${JSON.stringify(paths)}`);
    expect(differing).toEqual([]);
    // Not vacuous: most queries were offered the shortcut, and each path was taken.
    expect(offered).toBeGreaterThan(QUERIES / 2);
    expect(paths.decided).toBeGreaterThan(10);
    expect(paths.refined).toBeGreaterThan(10);
  }, 300_000);
});
