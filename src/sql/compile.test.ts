// compileQuery end to end on the compiler's own DuckDB instances: each decision rule, the rewrite (clamps,
// unit-count helper, mask positions, row cap) and the rendered SQL binding on the empty catalog tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadCatalog } from '../catalog/load.ts';
import { loadPolicy } from '../policy/load.ts';
import type { Principal } from '../auth/principal.ts';
import type { Decision } from '../policy/decision.ts';
import { compileQuery, SqlCompiler } from './compile.ts';
import type { CompiledQuery, Mode } from './compiled.ts';

const root = path.resolve(import.meta.dirname, '../..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'analyst', org: 'org', roles: ['developer'], datasets: 'all', jti: 'j1', exp: 2e9 };
let compiler: SqlCompiler;
beforeAll(async () => { compiler = await SqlCompiler.create(catalog); });
afterAll(() => compiler.close());

const compile = (sql: string, mode: Mode = 'aggregate'): Promise<Decision> => compileQuery({ sql, mode }, principal, catalog, policy, compiler);
async function allowed(sql: string, mode: Mode = 'aggregate'): Promise<CompiledQuery> {
  const d = await compile(sql, mode);
  if (d.effect !== 'allow') throw new Error(`denied ${d.code} ${d.violations.map((v) => v.rule).join(',')}`);
  return d.compiled;
}

describe('decision rules', () => {
  it.each([
    { rule: 'L4_IN_OUTPUT', sql: 'WITH x AS (SELECT id_card AS k FROM population.residents) SELECT k, count(*) FROM x GROUP BY 1' },
    { rule: 'L4_IN_GROUP', sql: 'SELECT substr(id_card, 7, 8) AS b, count(*) FROM population.residents GROUP BY 1' },
    { rule: 'L3_UNGENERALIZED_GROUP', sql: 'SELECT birth_date, count(*) FROM population.residents GROUP BY 1' },
    { rule: 'L3_UNGENERALIZED_GROUP', sql: "SELECT date_trunc('day', visit_date) d, count(*) FROM health.medical_claims GROUP BY 1" },
    { rule: 'L4_IN_FILTER', sql: "SELECT count(*) FROM population.residents WHERE name LIKE '张%'" },
    { rule: 'L4_IN_FILTER', sql: "SELECT district, count(*) FROM population.residents WHERE id_card = '230202199001011234' GROUP BY 1" },
    { rule: 'L3_FILTER_NOT_CONSTANT', sql: 'SELECT district, count(*) FROM population.residents WHERE birth_date > registered_on GROUP BY 1' },
    { rule: 'FUNCTION_NOT_ALLOWED', sql: 'SELECT district, count(DISTINCT md5(id_card)) FROM population.residents GROUP BY 1' },
    { rule: 'ERROR_PRONE_FUNCTION', sql: 'SELECT count(*) FROM population.residents WHERE CAST(name AS INTEGER) > 0' },
    { rule: 'MEMBER_AGGREGATE', sql: "SELECT district, string_agg(gender, ',') FROM population.residents GROUP BY 1" },
    { rule: 'ORDER_STATISTIC', sql: 'SELECT diagnosis_group, median(total_cost) FROM health.medical_claims GROUP BY 1' },
    { rule: 'AGGREGATE_NOT_ALLOWED', sql: 'SELECT district, sum(length(phone)) FROM population.residents GROUP BY 1' },
    { rule: 'UNBOUNDED_SUM', sql: 'SELECT district, avg(age_band(birth_date, 10)) FROM population.residents GROUP BY 1' },
    { rule: 'JOIN_NOT_EQUALITY', sql: 'SELECT r.district, count(*) FROM population.residents r JOIN social_security.insured i ON r.id_card < i.id_card GROUP BY 1' },
    { rule: 'JOIN_SEMANTIC_MISMATCH', sql: 'SELECT r.district, count(*) FROM population.residents r JOIN social_security.insured i ON r.phone = i.id_card GROUP BY 1' },
    { rule: 'SELF_JOIN', sql: 'SELECT a.district, count(*) FROM population.residents a JOIN population.residents b ON a.id_card = b.id_card GROUP BY 1' },
    { rule: 'PRIVACY_UNIT_MISMATCH', sql: 'SELECT t.line, count(*) FROM transit.card_trips t JOIN population.residents r ON r.district = t.board_stop GROUP BY 1' },
    { rule: 'NOT_AGGREGATED', sql: 'SELECT district FROM population.residents' },
    { rule: 'SUBQUERY_LIMIT', sql: 'SELECT count(*) FROM (SELECT district FROM population.residents ORDER BY birth_date DESC LIMIT 1)' },
    { rule: 'SUBQUERY_AGGREGATE', sql: 'SELECT d, n FROM (SELECT district AS d, count(*) AS n FROM population.residents GROUP BY 1) GROUP BY 1, 2' },
    { rule: 'MASK_POSITION', sql: 'SELECT district, count(DISTINCT mask(name)) FROM population.residents GROUP BY 1' },
    { rule: 'UNIT_NOT_CARRIED', sql: 'SELECT industry, count(*) FROM market.enterprises WHERE credit_code IN (SELECT employer_credit_code FROM social_security.insured) GROUP BY 1' },
  ])('refuses with $rule', async ({ rule, sql }) => {
    const d = await compile(sql);
    expect(d.effect).toBe('deny');
    if (d.effect === 'deny') expect(d.violations.map((v) => v.rule)).toContain(rule);
  });

  it.each([
    { rule: 'L3_IN_OUTPUT', sql: 'SELECT ethnicity FROM population.residents' },
    { rule: 'L4_IN_OUTPUT', sql: 'SELECT phone FROM population.residents' },
    { rule: 'MASK_NOT_ALLOWED', sql: 'SELECT mask(birth_date) FROM population.residents' },
    { rule: 'PSEUDONYM_NOT_ALLOWED', sql: 'SELECT pseudonym(name) FROM population.residents' },
    { rule: 'MASK_POSITION', sql: 'SELECT lower(mask(name)) AS m FROM population.residents' },
    { rule: 'ROWS_AGGREGATE', sql: 'SELECT district, count(*) FROM population.residents GROUP BY 1' },
  ])('in row releases refuses with $rule', async ({ rule, sql }) => {
    const d = await compile(sql, 'rows');
    expect(d.effect).toBe('deny');
    if (d.effect === 'deny') expect(d.violations.map((v) => v.rule)).toContain(rule);
  });

  it('lists every violation found, with the code of the first family', async () => {
    const d = await compile('SELECT id_card, name, max(birth_date) FROM population.residents GROUP BY 1, 2');
    expect(d.effect).toBe('deny');
    if (d.effect === 'deny') {
      expect(d.code).toBe('POLICY_DENIED');
      expect(d.violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['L4_IN_GROUP', 'ORDER_STATISTIC']));
      expect(d.violations.filter((v) => v.rule === 'L4_IN_GROUP')).toHaveLength(2);
    }
  });

  it('refuses a parser differential as ambiguous or unsupported, never allows it', async () => {
    const d = await compile("SELECT count(*) AS n, 'x\\' AS t FROM population.residents --' WHERE name = 'a'");
    expect(d.effect).toBe('deny');
    if (d.effect === 'deny') expect(['SQL_AMBIGUOUS', 'SQL_UNSUPPORTED']).toContain(d.code);
  });

  it('keeps error messages free of caller values', async () => {
    const d = await compile("SELECT district, count(*) FROM population.residents WHERE id_card = '230202199001011234' GROUP BY 1");
    if (d.effect !== 'deny') throw new Error('allowed');
    expect(JSON.stringify([d.message, d.violations])).not.toContain('230202199001011234');
  });
});

describe('rewrite and render', () => {
  it('adds the hidden count of distinct privacy units to every released group', async () => {
    const c = await allowed('SELECT district, count(*) AS n FROM population.residents GROUP BY district HAVING count(*) >= 1');
    expect(c.helpers).toEqual([{ name: '__dsbx_units', role: 'unit_count' }]);
    expect(c.sql).toMatch(/count\(DISTINCT residents\.id_card\) AS __dsbx_units/);
    expect(c.threshold).toEqual({ k: 10, rounding: 5 });
  });

  it('clamps a bounded L3 input of a sum to its declared bounds', async () => {
    const c = await allowed('SELECT district, sum(amount_due) AS due FROM utilities.heating_bills GROUP BY 1');
    expect(c.sql).toContain('sum(least(greatest(amount_due, 0), 20000))');
    expect(c.outputs[1]!.protection).toMatchObject({ kind: 'aggregate', fn: 'sum', level: 'L3' });
  });

  it('carries the privacy unit out of a per-person subquery', async () => {
    const c = await allowed(
      'SELECT r.district, avg(c.n) AS per_person FROM (SELECT id_card, count(*) AS n FROM health.medical_claims GROUP BY id_card) c JOIN population.residents r ON r.id_card = c.id_card GROUP BY 1',
    );
    expect(c.sql).toMatch(/__dsbx_unit_1/);
    expect(c.sql).toMatch(/least\(count\(DISTINCT c\.__dsbx_unit_1\), count\(DISTINCT r\.id_card\)\) AS __dsbx_units/);
    expect(c.profile).toBe('dp');
  });

  it('selects the raw column where mask() or pseudonym() stood and marks the protection', async () => {
    const c = await allowed('SELECT mask(name) AS n, pseudonym(id_card), district, year(birth_date) AS y FROM population.residents', 'rows');
    expect(c.sql).toMatch(/^SELECT "name" AS n, id_card AS pseudonym_id_card, district AS district/);
    expect(c.outputs.map((o) => o.protection.kind)).toEqual(['masked', 'pseudonym', 'raw', 'generalized']);
    expect(c.sql).toMatch(/LIMIT 10001$/);
    expect(c.kAnonymity).toEqual({ k: 5, quasiIdentifiers: ['district', 'y'] });
  });

  it('needs no helper and no threshold for an unconditionally open table', async () => {
    const c = await allowed('SELECT industry, min(registered_capital) AS lo FROM market.enterprises GROUP BY 1');
    expect(c.helpers).toEqual([]);
    expect(c.threshold).toBeNull();
  });

  it('records inputs with their usage and a stable fingerprint', async () => {
    const a = await allowed("SELECT district, count(*) FROM population.residents WHERE gender = '女' GROUP BY 1");
    const b = await allowed("select   DISTRICT, COUNT(*) from population.residents -- comment\n where gender = '女' group by 1");
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.inputs).toEqual([
      { dataset: 'population', table: 'residents', column: 'district', level: 'L2', usage: ['output', 'group'] },
      { dataset: 'population', table: 'residents', column: 'gender', level: 'L2', usage: ['filter'] },
    ]);
  });

  it('renders SQL that binds on the catalog schema (the plan check passed)', async () => {
    const c = await allowed("SELECT gender, age_band(birth_date, 10) AS band, count(*) FROM population.residents WHERE birth_date >= DATE '1950-01-01' GROUP BY 1, 2");
    expect(c.sql).toContain('age_band(birth_date, 10)');
    expect(c.outputs.map((o) => o.name)).toEqual(['gender', 'band', 'count']);
  });
});
