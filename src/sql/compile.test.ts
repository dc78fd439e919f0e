// compileQuery end to end on the compiler's own DuckDB instances: each decision rule, the rewrite (clamps,
// unit-count helper, mask positions, row cap) and the rendered SQL binding on the empty catalog tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import { loadPolicy } from '../policy/load.ts';
import type { Principal } from '../auth/principal.ts';
import type { Decision } from '../policy/decision.ts';
import { compileQuery, SqlCompiler } from './compile.ts';
import { Analyser } from './analyse.ts';
import { parseSql } from './parse.ts';
import type { CompiledQuery, Mode } from './compiled.ts';

const root = path.resolve(import.meta.dirname, '../..');
// Every dataset under the threshold profile: the grading rules and the threshold rewrite tested here do not
// depend on the profile, and queries under dp (which take another rewrite) are tested in src/dp.
const catalog = makeCatalog(loadCatalog(path.join(root, 'datasets')).datasets.map((d) => ({ ...d, profile: 'threshold' as const })));
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
    expect(c.sql).toContain('sum(dsbx_clamp(amount_due, 0, 20000))');
    expect(c.outputs[1]!.protection).toMatchObject({ kind: 'aggregate', fn: 'sum', level: 'L3' });
  });

  it('carries the privacy unit out of a per-person subquery', async () => {
    const c = await allowed(
      'SELECT r.district, avg(c.n) AS per_person FROM (SELECT id_card, count(*) AS n FROM health.medical_claims GROUP BY id_card) c JOIN population.residents r ON r.id_card = c.id_card GROUP BY 1',
    );
    expect(c.sql).toMatch(/__dsbx_unit_1/);
    expect(c.sql).toMatch(/least\(count\(DISTINCT c\.__dsbx_unit_1\), count\(DISTINCT r\.id_card\)\) AS __dsbx_units/);
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

async function refusedWith(sql: string, rule: string, mode: Mode = 'aggregate'): Promise<void> {
  const d = await compile(sql, mode);
  expect(d.effect).toBe('deny');
  if (d.effect === 'deny') {
    expect(d.code).toBe('POLICY_DENIED');
    expect(d.violations.map((v) => v.rule)).toContain(rule);
  }
}

const PER_PERSON_CLAIMS = '(SELECT id_card, count(*) AS n, count(DISTINCT hospital_code) AS h, sum(total_cost) AS cost FROM health.medical_claims GROUP BY id_card) c';

describe('sums over L3 values need a range derived by interval arithmetic', () => {
  it.each([
    'SELECT district, sum(1 / (kwh + 0.000001)) AS s FROM utilities.power_usage GROUP BY 1',
    'SELECT season, avg(amount_due / nullif(area_m2 - 100.5, 0)) AS x FROM utilities.heating_bills GROUP BY 1',
    'SELECT h.district, sum(amount_due / kwh) AS s FROM utilities.heating_bills h JOIN utilities.power_usage p USING (id_card) GROUP BY 1',
    'SELECT district, sum(exp(kwh)) AS s FROM utilities.power_usage GROUP BY 1',
    'SELECT district, stddev(kwh % 7) AS s FROM utilities.power_usage GROUP BY 1',
    'SELECT district, avg(year(birth_date)) AS s FROM population.residents GROUP BY 1',
  ])('refuses a transform without a finite, known range: %s', async (sql) => {
    await refusedWith(sql, 'UNBOUNDED_SUM');
  });

  it('clamps every input and the whole expression to the derived range, in DOUBLE arithmetic', async () => {
    const c = await allowed('SELECT h.district, sum(kwh * 2 + 1) AS s, avg(amount_due / area_m2) AS per_m2 FROM utilities.power_usage p JOIN utilities.heating_bills h USING (id_card) GROUP BY 1');
    expect(c.sql).toContain('sum(dsbx_clamp(((CAST(dsbx_clamp(kwh, 0, 5000) AS DOUBLE) * 2) + 1), 1, 10001))');
    expect(c.sql).toContain('avg(dsbx_clamp((CAST(dsbx_clamp(amount_due, 0, 20000) AS DOUBLE) / CAST(dsbx_clamp(area_m2, 10, 400) AS DOUBLE)), 0, 2000))');
  });

  it('casts to DOUBLE so that arithmetic on clamped values cannot overflow into a data-dependent error', async () => {
    const c = await allowed('SELECT district, sum(amount_due * 100000000000) AS s FROM utilities.heating_bills GROUP BY 1');
    expect(c.sql).toContain('CAST(dsbx_clamp(amount_due, 0, 20000) AS DOUBLE) * 100000000000');
  });

  it('takes the range of CASE and coalesce from their branches, not from their conditions', async () => {
    const c = await allowed('SELECT district, sum(CASE WHEN kwh > 100 THEN coalesce(kwh, 0) ELSE 0 END) AS s FROM utilities.power_usage GROUP BY 1');
    expect(c.sql).toMatch(/sum\(dsbx_clamp\(CASE .* END, 0, 5000\)\)/);
  });

  it('checks CASE conditions inside aggregates as filters', async () => {
    await refusedWith('SELECT district, sum(CASE WHEN birth_date > registered_on THEN 1 ELSE 0 END) AS n FROM population.residents GROUP BY 1', 'L3_FILTER_NOT_CONSTANT');
  });

  it('records the clamped per-row range on the aggregate provenance (for DP sensitivity)', async () => {
    const parsed = await parseSql('SELECT district, sum(kwh * 2 + 1) AS s, sum(kwh) AS t FROM utilities.power_usage GROUP BY 1', compiler);
    if (!parsed.ok) throw new Error('parse');
    const a = new Analyser(catalog, policy, 'aggregate').analyse(parsed.query);
    expect(a.outputs[1]!.prov.contribution).toEqual([1, 10001]);
    expect(a.outputs[2]!.prov.contribution).toEqual([0, 5000]);
  });
});

describe('L4 columns are matched only with L4 columns', () => {
  it('refuses an equality join of an L4 column to a lower-level column of the same semantic', async () => {
    await refusedWith('SELECT r.district, count(*) FROM population.residents r JOIN market.enterprises e ON r.name = e.legal_rep GROUP BY 1', 'L4_JOIN_LEVEL');
    await refusedWith('SELECT e.legal_rep, r.gender FROM market.enterprises e JOIN population.residents r ON r.name = e.legal_rep', 'L4_JOIN_LEVEL', 'rows');
  });

  it('refuses IN (SELECT ...) between an L4 column and a lower-level one', async () => {
    await refusedWith('SELECT district, count(*) FROM population.residents WHERE name IN (SELECT legal_rep FROM market.enterprises) GROUP BY 1', 'L4_JOIN_LEVEL');
  });

  it('still matches L4 identifiers of the same semantic across personal tables', async () => {
    await allowed('SELECT r.district, count(*) AS n FROM population.residents r JOIN social_security.insured i ON i.id_card = r.id_card GROUP BY 1');
  });
});

describe('per-person aggregates are L3 values', () => {
  it('refuses order statistics over them', async () => {
    await refusedWith(`SELECT max(c.n) AS m FROM ${PER_PERSON_CLAIMS}`, 'ORDER_STATISTIC');
    await refusedWith(`SELECT quantile_cont(c.n, 1.0) AS q FROM ${PER_PERSON_CLAIMS}`, 'ORDER_STATISTIC');
  });

  it('refuses a per-person total as a raw group key, and accepts it bucketed', async () => {
    await refusedWith(`SELECT c.cost, count(*) FROM ${PER_PERSON_CLAIMS} GROUP BY 1`, 'L3_UNGENERALIZED_GROUP');
    await allowed(`SELECT bucket(c.cost, 1000) AS b, count(*) AS people FROM ${PER_PERSON_CLAIMS} GROUP BY 1`);
  });

  it('accepts a per-person count as a group key (integers in [0, perUnitCountBound]) and bucketed', async () => {
    const raw = await allowed(`SELECT c.n, count(*) AS people FROM ${PER_PERSON_CLAIMS} GROUP BY 1`);
    expect(raw.outputs[0]!.protection).toEqual({ kind: 'group_key', level: 'L3', generalized: true });
    await allowed(`SELECT bucket(c.n, 5) AS b, count(*) AS people FROM ${PER_PERSON_CLAIMS} GROUP BY 1`);
  });

  it('clamps a per-person count to [0, perUnitCountBound] where it is summed', async () => {
    expect(policy.profiles.threshold.perUnitCountBound).toBe(1000);
    const c = await allowed(`SELECT r.district, avg(c.n) AS claims FROM ${PER_PERSON_CLAIMS} JOIN population.residents r ON r.id_card = c.id_card GROUP BY 1`);
    expect(c.sql).toContain('avg(dsbx_clamp(c.n, 0, 1000))');
    expect(c.outputs[1]!.protection).toMatchObject({ kind: 'aggregate', fn: 'avg', level: 'L3' });
  });

  it('filters them by comparison with constants only', async () => {
    await allowed(`SELECT c.n, count(*) AS people FROM ${PER_PERSON_CLAIMS} WHERE c.n > 2 GROUP BY 1`);
    await refusedWith(`SELECT c.n, count(*) AS people FROM ${PER_PERSON_CLAIMS} WHERE c.n = c.h GROUP BY 1`, 'L3_FILTER_NOT_CONSTANT');
  });

  it('refuses a sum over a per-unit total of an unbounded column', async () => {
    await refusedWith('SELECT avg(t.f) AS f FROM (SELECT card_no, sum(fare) AS f FROM transit.card_trips GROUP BY card_no) t', 'UNBOUNDED_SUM');
  });
});

describe('generalizing widths and units', () => {
  it.each([
    'SELECT bucket(kwh, 1) AS b, count(*) FROM utilities.power_usage GROUP BY 1',
    'SELECT bucket(kwh, 0) AS b, count(*) FROM utilities.power_usage GROUP BY 1',
    'SELECT bucket(kwh, -5) AS b, count(*) FROM utilities.power_usage GROUP BY 1',
    'SELECT bucket(kwh * 1000, 5) AS b, count(*) FROM utilities.power_usage GROUP BY 1',
    'SELECT age_band(birth_date, 0) AS b, count(*) FROM population.residents GROUP BY 1',
    "SELECT date_trunc(lower('YEAR'), visit_date) AS m, count(*) FROM health.medical_claims GROUP BY 1",
  ])('refuses %s', async (sql) => {
    await refusedWith(sql, 'L3_UNGENERALIZED_GROUP');
  });

  it('accepts a bucket at least a thousandth of the bounded range', async () => {
    await allowed('SELECT bucket(kwh, 5) AS b, count(*) AS n FROM utilities.power_usage GROUP BY 1');
    await allowed('SELECT bucket(kwh / 10, 0.5) AS b, count(*) AS n FROM utilities.power_usage GROUP BY 1');
  });
});
