// One-row-per-unit claims checked against real data through the real sandbox: a claim the data bears out is
// used, a table with a repeated or missing unit is not; and only a release over that one table alone counts
// its units as rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/supervisor.ts';
import type { Principal } from '../auth/principal.ts';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/schema.ts';
import { loadPolicy } from '../policy/load.ts';
import { UNIT_HELPER } from '../policy/rewrite.ts';
import { compileQuery } from './compile.ts';
import { catalogDdl, SqlCompiler } from './compiler.ts';
import { OneRowPerUnit, type VerifyReport } from './one-row-per-unit.ts';

const root = path.resolve(import.meta.dirname, '../..');
const CLAIMED = new Set(['population.residents', 'social_security.insured', 'utilities.power_usage']);
// Every personal table under the threshold profile; three of them claim one row per unit.
const catalog: Catalog = makeCatalog(loadCatalog(path.join(root, 'datasets')).datasets.map((d) => ({
  ...d,
  profile: 'threshold' as const,
  tables: d.tables.map((t) => ({ ...t, oneRowPerUnit: CLAIMED.has(`${d.id}.${t.name}`) })),
})));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'analyst', org: 'org', roles: ['developer'], datasets: 'all', jti: 'j1', exp: 2e9 };

let home: string;
let sandbox: Sandbox;
let report: VerifyReport;
const facts = new OneRowPerUnit();
let compiler: SqlCompiler;
let plain: SqlCompiler;

beforeAll(async () => {
  // residents: one row per person; insured: one person twice; power_usage: a row without a person.
  home = mkdtempSync(path.join(tmpdir(), 'dsbx-one-row-'));
  const file = path.join(home, 'domain.duckdb');
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  for (const s of catalogDdl(catalog)) await c.run(s);
  await c.run(`INSERT INTO population.residents (id_card, district) SELECT 'p' || i, 'd' || (i % 3) FROM range(40) t(i)`);
  await c.run(`INSERT INTO social_security.insured (id_card, status) SELECT 'p' || (i % 39), 's' FROM range(40) t(i)`);
  await c.run(`INSERT INTO utilities.power_usage (id_card, district) SELECT CASE WHEN i = 7 THEN NULL ELSE 'p' || i END, 'd' FROM range(40) t(i)`);
  c.closeSync();
  db.closeSync();
  sandbox = await Sandbox.start({
    domainFile: file, tmpDir: path.join(home, 'tmp'), pseudonymSecret: new Uint8Array(32).fill(5), threads: 1, memoryLimit: '256MB',
    tempDirectorySize: '256MB', concurrency: 2, queueLimit: 4, timeoutMs: 10_000, killGraceMs: 500,
  });
  report = await facts.verify(catalog, async (check) => (await sandbox.execute(check, { subject: 'test', queryId: 'check' })).rows[0]?.[0]);
  compiler = await SqlCompiler.create(catalog, { oneRowPerUnit: facts });
  plain = await SqlCompiler.create(catalog);
}, 60_000);

afterAll(async () => {
  compiler?.close();
  plain?.close();
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
});

async function helperOf(sql: string, using: SqlCompiler = compiler): Promise<string> {
  const d = await compileQuery({ sql, mode: 'aggregate' }, principal, catalog, policy, using);
  if (d.effect !== 'allow') throw new Error(`denied ${d.code}`);
  const m = new RegExp(`,\\s*([^,]*?) AS ${UNIT_HELPER}`).exec(d.compiled.sql);
  return m?.[1] ?? d.compiled.sql;
}

describe('verifying one-row-per-unit claims in the sandbox', () => {
  it('verifies a table with as many rows as distinct units', () => {
    expect(report.verified).toEqual(['population.residents']);
    expect(facts.has('population.residents')).toBe(true);
  });

  it('refutes a table where a unit has two rows, and one with a row without a unit', () => {
    expect([...report.refuted].sort()).toEqual(['social_security.insured', 'utilities.power_usage']);
    expect(facts.has('social_security.insured')).toBe(false);
    expect(facts.has('utilities.power_usage')).toBe(false);
  });

  it('refutes every claim whose check cannot run (fail closed)', async () => {
    const failing = new OneRowPerUnit();
    const r = await failing.verify(catalog, () => Promise.reject(new Error('sandbox down')));
    expect(r.verified).toEqual([]);
    expect(r.refuted).toHaveLength(3);
    expect(failing.has('population.residents')).toBe(false);
  });

  it('takes only a boolean true as verification', async () => {
    const r = await new OneRowPerUnit().verify(catalog, () => Promise.resolve('true'));
    expect(r.verified).toEqual([]);
  });
});

describe('counting units', () => {
  describe('when the release reads one verified table alone', () => {
    it.each([
      'SELECT district, count(*) AS n FROM population.residents GROUP BY 1',
      "SELECT gender, count(*) AS n FROM population.residents WHERE district = 'd1' GROUP BY 1",
      'SELECT count(*) AS n FROM population.residents',
      "SELECT district, count(*) AS n FROM population.residents WHERE id_card IN (SELECT id_card FROM health.medical_claims WHERE diagnosis_group = 'J') GROUP BY 1",
    ])('counts rows: %s', async (sql) => {
      expect(await helperOf(sql)).toBe('count_star()');
      expect(await helperOf(sql, plain)).toMatch(/^count\(DISTINCT /);
    });
  });

  describe('when a unit could repeat or the table is not verified', () => {
    it.each([
      'SELECT r.district, count(*) AS n FROM population.residents r JOIN health.medical_claims c ON r.id_card = c.id_card GROUP BY 1',
      'SELECT d, count(*) AS n FROM (SELECT district AS d, id_card FROM population.residents) x GROUP BY 1',
      'WITH x AS (SELECT district, id_card FROM population.residents) SELECT district, count(*) AS n FROM x GROUP BY 1',
      'SELECT status, count(*) AS n FROM social_security.insured GROUP BY 1',
      'SELECT district, count(*) AS n FROM utilities.power_usage GROUP BY 1',
      'SELECT diagnosis_group, count(*) AS n FROM health.medical_claims GROUP BY 1',
    ])('counts distinct units: %s', async (sql) => {
      expect(await helperOf(sql)).toMatch(/count\(DISTINCT /);
    });
  });

  it('releases the same unit counts either way, through the sandbox', async () => {
    const sql = 'SELECT district, count(*) AS n FROM population.residents GROUP BY 1 ORDER BY 1';
    const run = async (using: SqlCompiler) => {
      const d = await compileQuery({ sql, mode: 'aggregate' }, principal, catalog, policy, using);
      if (d.effect !== 'allow') throw new Error('denied');
      return (await sandbox.execute(d.compiled, { subject: 'test', queryId: 'q' })).rows;
    };
    const rows = await run(compiler);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(await run(plain));
  });

  it('answers a count of the whole table, whose scan reads no column', async () => {
    const d = await compileQuery({ sql: 'SELECT count(*) AS n FROM population.residents', mode: 'aggregate' }, principal, catalog, policy, compiler);
    if (d.effect !== 'allow') throw new Error(`denied ${d.code}`);
    expect((await sandbox.execute(d.compiled, { subject: 'test', queryId: 'q' })).rows).toEqual([[40]]);
  });
});
