// The dp rewrite through the real compiler (DuckDB parse, analysis, render, plan check), and its contribution
// bounds executed on a generated domain: no person adds more than maxRows rows or maxGroups groups, and the
// same query keeps the same rows every time.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadCatalog } from '../catalog/load.ts';
import { loadPolicy } from '../policy/load.ts';
import type { Principal } from '../auth/principal.ts';
import type { Decision } from '../policy/decision.ts';
import { compileQuery, SqlCompiler } from '../sql/compile.ts';
import type { CompiledQuery, Mode } from '../sql/compiled.ts';
import { SANDBOX_MACROS } from '../../sandbox/macros.ts';
import { cachedDomainFile } from '../../test/support/domain.ts';

const root = path.resolve(import.meta.dirname, '../..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'analyst', org: 'org', roles: ['researcher'], datasets: 'all', jti: 'j1', exp: 2e9 };
let compiler: SqlCompiler;
let domain: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  compiler = await SqlCompiler.create(catalog);
  domain = await DuckDBInstance.create(await cachedDomainFile(3000), { access_mode: 'READ_ONLY' });
  conn = await domain.connect();
  for (const m of SANDBOX_MACROS) await conn.run(m);
}, 120_000);
afterAll(() => {
  compiler?.close();
  conn?.closeSync();
  domain?.closeSync();
});

const compile = (sql: string, mode: Mode = 'aggregate'): Promise<Decision> => compileQuery({ sql, mode }, principal, catalog, policy, compiler);
async function allowed(sql: string): Promise<CompiledQuery> {
  const d = await compile(sql);
  if (d.effect !== 'allow') throw new Error(`denied ${d.code} ${d.violations.map((v) => v.rule).join(',')}`);
  return d.compiled;
}
const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];

describe('a dp query compiles to a bounded plan', () => {
  it('describes every aggregate for the noise step and counts people in a helper', async () => {
    const c = await allowed(
      'SELECT diagnosis_group, count(*) AS claims, count(DISTINCT id_card) AS people, sum(total_cost) AS cost, avg(reimbursed) AS mean FROM health.medical_claims GROUP BY 1',
    );
    expect(c.profile).toBe('dp');
    expect(c.threshold).toBeNull();
    expect(c.dp).toMatchObject({ maxGroups: 1, maxRows: 5, grouped: true, tauFloor: 10, epsilon: 1 });
    expect(c.dp!.aggregates).toEqual([
      { output: 'claims', measure: 'count', bounds: null, decimals: 0, countHelper: null },
      { output: 'people', measure: 'count_units', bounds: null, decimals: 0, countHelper: null },
      { output: 'cost', measure: 'sum', bounds: [0, 500000], decimals: 2, countHelper: null },
      { output: 'mean', measure: 'avg', bounds: [0, 500000], decimals: 2, countHelper: expect.stringMatching(/^__dsbx_rows_/) },
    ]);
    expect(c.helpers.map((h) => h.role)).toEqual(['unit_count', 'row_count']);
    expect(c.outputs.every((o) => o.protection.kind !== 'aggregate' || !o.protection.rounded)).toBe(true);
    // Groups are read far beyond the row release cap: whether the engine had more than it read must not hinge on one person.
    expect(c.rowCap).toBeGreaterThanOrEqual(100_000);
    expect(c.sql).toMatch(/row_number\(\) OVER \(PARTITION BY/);
    expect(c.sql).toMatch(/dense_rank\(\) OVER \(PARTITION BY/);
    expect(c.sql).toMatch(/CAST\(round\(\(dsbx_clamp\(/);
  });

  it('keeps at most maxRows rows per person, each person in at most maxGroups groups, the same rows every time', async () => {
    const c = await allowed('SELECT hospital_level, count(*) AS n, count(DISTINCT id_card) AS people FROM health.medical_claims GROUP BY hospital_level');
    const sorted = async () => (await rows(c.sql)).sort((a, b) => String(a.hospital_level).localeCompare(String(b.hospital_level)));
    const first = await sorted();
    expect(await sorted()).toEqual(first);
    const [truth] = await rows('SELECT count(DISTINCT id_card)::INTEGER AS people, count(*)::INTEGER AS claims FROM health.medical_claims');
    const people = first.reduce((s, r) => s + Number(r.people), 0);
    const claims = first.reduce((s, r) => s + Number(r.n), 0);
    expect(people).toBe(truth!.people); // maxGroups = 1: every person in exactly one group
    expect(claims).toBeLessThanOrEqual(5 * people);
    expect(claims).toBeLessThan(truth!.claims as number);
  });

  it("keeps an even choice of each person's groups, not the same preferred group for everyone", async () => {
    const c = await allowed('SELECT diagnosis_group, count(DISTINCT id_card) AS people FROM health.medical_claims GROUP BY diagnosis_group');
    const kept = new Map((await rows(c.sql)).map((r) => [r.diagnosis_group as string, Number(r.people)]));
    const truth = await rows('SELECT diagnosis_group, count(DISTINCT id_card)::INTEGER AS people FROM health.medical_claims GROUP BY 1');
    // The share of a group's people who keep it: with one preference order for everyone it runs from 100% for
    // the favourite group to under 1% for the last; with the person in the hash every group keeps a similar share.
    const shares = truth.map((t) => (kept.get(t.diagnosis_group as string) ?? 0) / (t.people as number));
    expect(Math.max(...shares)).toBeLessThan(0.9);
    expect(Math.max(...shares) / Math.min(...shares)).toBeLessThan(4);
  });

  it("takes the caller's contribution bounds: with enough groups per person no group loses anyone", async () => {
    const d = await compileQuery(
      { sql: 'SELECT diagnosis_group, count(DISTINCT id_card) AS people FROM health.medical_claims GROUP BY 1', mode: 'aggregate', dpBounds: { maxGroups: 25 } },
      principal, catalog, policy, compiler,
    );
    if (d.effect !== 'allow') throw new Error('denied');
    expect(d.compiled.dp).toMatchObject({ maxGroups: 25, maxRows: 5 });
    const kept = new Map((await rows(d.compiled.sql)).map((r) => [r.diagnosis_group as string, Number(r.people)]));
    const truth = await rows('SELECT diagnosis_group, count(DISTINCT id_card)::INTEGER AS people FROM health.medical_claims GROUP BY 1');
    for (const t of truth) expect(kept.get(t.diagnosis_group as string)).toBe(t.people);
  });

  it('sums clamped values on the cent grid as exact integers', async () => {
    const c = await allowed('SELECT sum(total_cost) AS cost FROM health.medical_claims');
    const [r] = (await conn.runAndReadAll(c.sql)).getRowsJson();
    expect(String(r![0])).toMatch(/^\d+$/);
  });

  it('leaves threshold-profile queries untouched', async () => {
    const c = await allowed('SELECT district, count(*) AS n FROM population.residents GROUP BY district');
    expect(c.profile).toBe('threshold');
    expect(c.dp).toBeUndefined();
    expect(c.sql).not.toMatch(/OVER/);
  });
});

describe('dp queries outside the supported shape', () => {
  it.each([
    { name: 'a row release', sql: 'SELECT hospital_level FROM health.medical_claims', mode: 'rows' as const, rule: 'DP_ROWS_MODE' },
    { name: 'stddev', sql: 'SELECT stddev(total_cost) AS s FROM health.medical_claims', rule: 'DP_AGGREGATE_NOT_SUPPORTED' },
    { name: 'arithmetic on aggregates', sql: 'SELECT sum(total_cost) / count(*) AS m FROM health.medical_claims', rule: 'DP_AGGREGATE_NOT_SUPPORTED' },
    { name: 'count of distinct non-unit values', sql: 'SELECT count(DISTINCT hospital_code) AS h FROM health.medical_claims', rule: 'DP_AGGREGATE_NOT_SUPPORTED' },
    { name: 'HAVING on exact counts', sql: 'SELECT diagnosis_group, count(*) AS n FROM health.medical_claims GROUP BY 1 HAVING count(*) > 3', rule: 'DP_QUERY_SHAPE' },
    { name: 'LIMIT', sql: 'SELECT diagnosis_group, count(*) AS n FROM health.medical_claims GROUP BY 1 LIMIT 3', rule: 'DP_QUERY_SHAPE' },
    { name: 'a per-person subquery', sql: 'SELECT avg(n) AS a FROM (SELECT id_card, count(*) AS n FROM health.medical_claims GROUP BY id_card) c', rule: 'DP_QUERY_SHAPE' },
    { name: 'a join', sql: 'SELECT r.district, count(*) AS n FROM health.medical_claims c JOIN population.residents r ON r.id_card = c.id_card GROUP BY 1', rule: 'DP_QUERY_SHAPE' },
    { name: 'an IN subquery', sql: "SELECT count(*) AS n FROM health.medical_claims WHERE id_card IN (SELECT id_card FROM health.medical_claims WHERE diagnosis_group = 'J')", rule: 'DP_QUERY_SHAPE' },
  ])('refuses $name with POLICY_DENIED and $rule', async ({ sql, rule, ...rest }) => {
    const d = await compile(sql, 'mode' in rest ? rest.mode : 'aggregate');
    expect(d.effect).toBe('deny');
    if (d.effect !== 'deny') return;
    expect(d.code).toBe('POLICY_DENIED');
    expect(d.violations.map((v) => v.rule)).toContain(rule);
  });
});
