// Rows per privacy unit measured from real data through the real sandbox, and the unit count by rows that
// the bound allows: offered only for a threshold release over one measured table, and whatever it decides,
// the release is the one count(DISTINCT unit) gives — a person with many rows is still one person.
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
import { compileQuery } from './compile.ts';
import type { CompiledQuery } from './compiled.ts';
import { catalogDdl, SqlCompiler } from './compiler.ts';
import { UnitRowBounds, type BoundsReport } from './unit-row-bounds.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shipped = loadCatalog(path.join(root, 'datasets'));
// Every personal table under the threshold profile (health is dp in the shipped catalog: kept as is in `shipped`).
const catalog: Catalog = makeCatalog(shipped.datasets.map((d) => ({ ...d, profile: 'threshold' as const })));
const policy = loadPolicy(path.join(root, 'policies'));
const K = policy.profiles.threshold.k;
const principal: Principal = { sub: 'analyst', org: 'org', roles: ['developer'], datasets: 'all', jti: 'j1', exp: 2e9 };

let home: string;
let sandbox: Sandbox;
let report: BoundsReport;
const bounds = new UnitRowBounds();
let compiler: SqlCompiler;
let exact: SqlCompiler;

// residents: 200 people over districts d0–d3 and the heavy person in 'h'. power_usage: the 200 with 3 rows
// each in their district (150 rows, 50 people a district), the heavy person with 50 rows in district 'h',
// five rows without a person in district 'n'. For k = 10 the bound is 5 (no unit) + 50 (the heavy person)
// + 8 × 3 = 79 rows, and one person has at most 50.
const BOUND = 5 + 50 + (K - 2) * 3;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'dsbx-unit-bounds-'));
  const file = path.join(home, 'domain.duckdb');
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  for (const s of catalogDdl(catalog)) await c.run(s);
  await c.run(`INSERT INTO population.residents (id_card, district) SELECT 'p' || i, 'd' || (i % 4) FROM range(200) t(i)`);
  await c.run(`INSERT INTO population.residents (id_card, district) VALUES ('heavy', 'h')`);
  await c.run(`INSERT INTO utilities.power_usage (id_card, district, kwh) SELECT 'p' || (i // 3), 'd' || ((i // 3) % 4), i % 7 FROM range(600) t(i)`);
  await c.run(`INSERT INTO utilities.power_usage (id_card, district, kwh) SELECT 'heavy', 'h', 100 FROM range(50) t(i)`);
  await c.run(`INSERT INTO utilities.power_usage (id_card, district, kwh) SELECT NULL, 'n', 1 FROM range(5) t(i)`);
  c.closeSync();
  db.closeSync();
  sandbox = await Sandbox.start({
    domainFile: file, tmpDir: path.join(home, 'tmp'), pseudonymSecret: new Uint8Array(32).fill(5), threads: 1, memoryLimit: '256MB',
    tempDirectorySize: '256MB', concurrency: 2, queueLimit: 4, timeoutMs: 10_000, killGraceMs: 500,
  });
  const run = async (m: CompiledQuery) => (await sandbox.execute(m, { subject: 'test', queryId: 'measure' })).rows[0];
  report = await bounds.measure(catalog, K, run);
  compiler = await SqlCompiler.create(catalog, { unitRowBounds: bounds });
  exact = await SqlCompiler.create(catalog);
}, 60_000);

afterAll(async () => {
  compiler?.close();
  exact?.close();
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
});

async function compiled(sql: string, using: SqlCompiler = compiler): Promise<CompiledQuery> {
  const d = await compileQuery({ sql, mode: 'aggregate' }, principal, catalog, policy, using);
  if (d.effect !== 'allow') throw new Error(`denied ${d.code}`);
  return d.compiled;
}

describe('measuring rows per privacy unit in the sandbox', () => {
  it('bounds the rows of k−1 units (those without a unit plus the k−1 units with the most rows) and one unit', () => {
    expect(bounds.of('utilities.power_usage', K)).toEqual({ bound: BOUND, max: 50 });
    // One row per person: k−1 rows, one each.
    expect(bounds.of('population.residents', K)).toEqual({ bound: K - 1, max: 1 });
    // An empty table holds no rows at all.
    expect(bounds.of('transit.card_trips', K)).toEqual({ bound: 0, max: 0 });
    expect(report.failed).toEqual([]);
    expect(report.measured).toContain('utilities.power_usage');
    expect(report.measured).not.toContain('market.enterprises');
  });

  it('knows nothing for another k (a reloaded policy) or a table it did not measure', () => {
    expect(bounds.of('utilities.power_usage', K + 1)).toBeUndefined();
    expect(bounds.of('market.enterprises', K)).toBeUndefined();
  });

  it('has no bound where the measure fails or answers anything but two counts (fail closed)', async () => {
    const failing = new UnitRowBounds();
    const r = await failing.measure(catalog, K, () => Promise.reject(new Error('sandbox down')));
    expect(r.measured).toEqual([]);
    expect(r.failed).toContain('utilities.power_usage');
    expect(failing.of('utilities.power_usage', K)).toBeUndefined();
    for (const answer of [[-1, 1], [1.5, 1], ['many', 1], [null, 1], [true, 1], [5], undefined]) {
      const odd = new UnitRowBounds();
      await odd.measure(catalog, K, () => Promise.resolve(answer));
      expect(odd.of('utilities.power_usage', K)).toBeUndefined();
    }
  });
});

describe('offering the unit count by rows', () => {
  it.each([
    'SELECT district, count(*) AS n FROM utilities.power_usage GROUP BY 1',
    "SELECT district, sum(kwh) AS kwh FROM utilities.power_usage WHERE district <> 'h' GROUP BY 1",
    "SELECT district, count(*) AS n FROM utilities.power_usage WHERE id_card IN (SELECT id_card FROM population.residents WHERE district = 'd1') GROUP BY 1",
    'SELECT count(*) AS n FROM utilities.power_usage',
  ])('for one measured table: %s', async (sql) => {
    const c = await compiled(sql);
    expect(c.sql).toMatch(/count\(DISTINCT [^)]*id_card\) AS __dsbx_units/);
    expect(c.unitCountByRows?.decidedAbove).toBe(BOUND);
    expect(c.unitCountByRows?.sql).toMatch(/count_star\(\) AS __dsbx_units/);
    // Only the helper differs, and a grouped release also hashes its groups, for a refinement of the undecided ones.
    const grouped = /GROUP BY/.test(sql);
    expect(c.unitCountByRows?.sql.replace('count_star() AS __dsbx_units', 'H').replace(/, hash\(district\) AS __dsbx_group/, ''))
      .toBe(c.sql.replace(/count\(DISTINCT [^)]*id_card\) AS __dsbx_units/, 'H'));
    expect(c.unitCountByRows?.sql.includes('hash(district) AS __dsbx_group')).toBe(grouped);
    expect(c.unitCountByRows?.undecided !== undefined).toBe(grouped);
    if (grouped) {
      expect(c.unitCountByRows?.undecided?.sqlBeforeHashes).toMatch(/^SELECT \* FROM \(SELECT .*count\(DISTINCT [^)]*id_card\) AS __dsbx_units, hash\(district\) AS __dsbx_group .*\) AS __dsbx_refine WHERE __dsbx_group IN $/);
    }
  });

  it.each([
    'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON r.id_card = p.id_card GROUP BY 1',
    "SELECT r.district, sum(p.kwh) AS kwh FROM population.residents AS r INNER JOIN utilities.power_usage AS p ON p.district <> 'x' AND P.ID_CARD = R.ID_CARD GROUP BY 1",
    'SELECT district, count(*) AS n FROM utilities.power_usage JOIN population.residents USING (id_card, district) GROUP BY 1',
  ])('for two measured tables inner-joined on their units: %s', async (sql) => {
    const c = await compiled(sql);
    // k−1 people hold at most min(bound(residents) × 50, bound(power) × 1) joined rows.
    expect(c.unitCountByRows?.decidedAbove).toBe(Math.min((K - 1) * 50, BOUND));
    expect(c.unitCountByRows?.sql).toMatch(/count_star\(\) AS __dsbx_units/);
    expect(c.sql).toMatch(/least\(count\(DISTINCT/);
  });

  it.each([
    'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON r.district = p.district GROUP BY 1',
    'SELECT r.district, count(*) AS n FROM population.residents r LEFT JOIN utilities.power_usage p ON r.id_card = p.id_card GROUP BY 1',
    'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON r.id_card = p.id_card JOIN utilities.heating_bills h ON h.id_card = r.id_card GROUP BY 1',
    'SELECT d, count(*) AS n FROM (SELECT district AS d, id_card FROM utilities.power_usage) x GROUP BY 1',
    'WITH x AS (SELECT district, id_card FROM utilities.power_usage) SELECT district, count(*) AS n FROM x GROUP BY 1',
    'SELECT industry, count(*) AS n FROM market.enterprises GROUP BY 1',
  ])('not where a row could repeat or there is no unit: %s', async (sql) => {
    expect((await compiled(sql)).unitCountByRows).toBeUndefined();
  });

  it('not without a measured bound', async () => {
    expect((await compiled('SELECT district, count(*) AS n FROM utilities.power_usage GROUP BY 1', exact)).unitCountByRows).toBeUndefined();
  });

  it('not under differential privacy, whose threshold is noisy', async () => {
    const dpCompiler = await SqlCompiler.create(shipped, { unitRowBounds: bounds });
    try {
      const d = await compileQuery({ sql: 'SELECT diagnosis_group, count(*) AS n FROM health.medical_claims GROUP BY 1', mode: 'aggregate' }, principal, shipped, policy, dpCompiler);
      expect(d.effect).toBe('allow');
      if (d.effect === 'allow') {
        expect(d.compiled.profile).toBe('dp');
        expect(d.compiled.unitCountByRows).toBeUndefined();
      }
    } finally {
      dpCompiler.close();
    }
  });
});

describe('releasing through the sandbox', () => {
  const release = async (sql: string, using: SqlCompiler) => {
    const c = await compiled(sql, using);
    return { ...(await sandbox.execute(c, { subject: 'test', queryId: 'q' })), compiled: c };
  };

  it('answers from count(*) when every group is decided, with the release count(DISTINCT) gives', async () => {
    // d0–d3: 150 rows > the bound (kept); 'n': 5 rows < k (suppressed); 'h' filtered out.
    const sql = "SELECT district, count(*) AS n, sum(kwh) AS kwh FROM utilities.power_usage WHERE district <> 'h' GROUP BY 1 ORDER BY 1";
    const fast = await release(sql, compiler);
    expect(fast.answeredBy).toBe(fast.compiled.unitCountByRows?.sql);
    const slow = await release(sql, exact);
    expect(slow.answeredBy).toBeUndefined();
    expect(fast.columns).toEqual(slow.columns);
    expect(fast.rows).toEqual(slow.rows);
    expect(fast.rows.map((r) => r[0])).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(fast.disclosure).toEqual(slow.disclosure);
    expect(fast.disclosure.suppressedGroups).toBe(1);
    expect(fast.resultSha256).toBe(slow.resultSha256);
  });

  it('counts exactly the group that could be a few people with many rows, and suppresses the one person', async () => {
    // 'h' holds 50 rows (≥ k, ≤ the bound) of a single person: undecided, refined by its hash.
    const sql = 'SELECT district, count(*) AS n, sum(kwh) AS kwh FROM utilities.power_usage GROUP BY 1 ORDER BY 1';
    const r = await release(sql, compiler);
    expect(r.answeredBy).toBe(`${r.compiled.unitCountByRows?.sql};\n${r.compiled.unitCountByRows?.undecided?.sqlBeforeHashes}($1)`);
    const slow = await release(sql, exact);
    expect(r.rows.map((x) => x[0])).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(r.disclosure.suppressedGroups).toBe(2);
    expect(r.columns).toEqual(slow.columns);
    expect(r.rows).toEqual(slow.rows);
    expect(r.resultSha256).toBe(slow.resultSha256);
  });

  it('keeps the caller\'s order and limit when it refines', async () => {
    const sql = 'SELECT district, count(*) AS n FROM utilities.power_usage GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5';
    const r = await release(sql, compiler);
    expect(r.answeredBy).toContain(';\n');
    expect(r.rows).toEqual((await release(sql, exact)).rows);
  });

  it('over a join on units: count(*) decides the large groups, the exact count the one person with many rows', async () => {
    const join = 'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON r.id_card = p.id_card';
    const decided = await release(`${join} WHERE r.district <> 'h' GROUP BY 1 ORDER BY 1`, compiler);
    expect(decided.answeredBy).toBe(decided.compiled.unitCountByRows?.sql);
    expect(decided.rows).toEqual((await release(`${join} WHERE r.district <> 'h' GROUP BY 1 ORDER BY 1`, exact)).rows);
    expect(decided.rows.map((x) => x[0])).toEqual(['d0', 'd1', 'd2', 'd3']);
    const undecided = await release(`${join} GROUP BY 1 ORDER BY 1`, compiler);
    expect(undecided.answeredBy).toContain(';\n');
    expect(undecided.rows.map((x) => x[0])).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(undecided.disclosure.suppressedGroups).toBe(1);
    expect(undecided.rows).toEqual((await release(`${join} GROUP BY 1 ORDER BY 1`, exact)).rows);
  });

  it('runs the exact count for an undecided global aggregate, and suppresses the one heavy person', async () => {
    const sql = "SELECT count(*) AS n FROM utilities.power_usage WHERE district = 'h'";
    const r = await release(sql, compiler);
    expect(r.answeredBy).toBeUndefined();
    expect(r.rows).toEqual([]);
    expect(r.disclosure.suppressedGroups).toBe(1);
  });
});
