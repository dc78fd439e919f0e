// Parsing: limits before any parser, DuckDB as the authority, one SELECT only, refusal of unknown nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadCatalog } from '../catalog/load.ts';
import { SqlCompiler } from './compiler.ts';
import { checkLimits, MAX_NESTING, parseSql } from './parse.ts';

const root = path.resolve(import.meta.dirname, '../..');
let compiler: SqlCompiler;
beforeAll(async () => { compiler = await SqlCompiler.create(loadCatalog(path.join(root, 'datasets'))); });
afterAll(() => compiler.close());

const rulesOf = async (sql: string): Promise<string[]> => {
  const p = await parseSql(sql, compiler);
  return p.ok ? [] : p.violations.items.map((v) => v.rule);
};

describe('limits before parsing', () => {
  it('refuses text over 64 KiB', () => {
    expect(checkLimits(`SELECT 1 -- ${'x'.repeat(70_000)}`).items.map((v) => v.rule)).toEqual(['SQL_TOO_LARGE']);
  });
  it('refuses nesting deeper than the bound', () => {
    const sql = `SELECT ${'('.repeat(MAX_NESTING + 1)}1${')'.repeat(MAX_NESTING + 1)}`;
    expect(checkLimits(sql).items.map((v) => v.rule)).toEqual(['SQL_TOO_DEEP']);
  });
  it('refuses empty text', () => {
    expect(checkLimits('   ').items.map((v) => v.rule)).toEqual(['SQL_EMPTY']);
  });
});

describe('DuckDB parse', () => {
  it('reports a syntax error with its position', async () => {
    const p = await parseSql('SELECT district FROM', compiler);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.violations.items[0]!.rule).toBe('SYNTAX_ERROR');
      expect(p.violations.items[0]!.position).toBeTypeOf('number');
    }
  });
  it.each([
    { name: 'COPY', sql: "COPY population.residents TO 'x.csv'" },
    { name: 'SET', sql: 'SET threads = 64' },
    { name: 'ATTACH', sql: "ATTACH ':memory:' AS m" },
    { name: 'PRAGMA', sql: 'PRAGMA enable_profiling' },
    { name: 'SUMMARIZE', sql: 'SUMMARIZE population.residents' },
    { name: 'DESCRIBE', sql: 'DESCRIBE population.residents' },
  ])('refuses $name as NOT_SELECT', async ({ sql }) => {
    expect(await rulesOf(sql)).toContain('NOT_SELECT');
  });
  it('refuses two statements', async () => {
    expect(await rulesOf('SELECT count(*) FROM population.residents; SELECT 1')).toEqual(['MULTIPLE_STATEMENTS']);
  });
});

describe('conversion into the project nodes', () => {
  it.each([
    { rule: 'WINDOW_FUNCTION', sql: 'SELECT row_number() OVER () FROM population.residents' },
    { rule: 'LAMBDA', sql: 'SELECT list_transform([1], x -> x + 1)' },
    { rule: 'POSITIONAL_REF', sql: 'SELECT #1 FROM population.residents' },
    { rule: 'PARAMETER', sql: 'SELECT count(*) FROM population.residents WHERE district = $1' },
    { rule: 'SET_OPERATION', sql: 'SELECT district FROM population.residents UNION SELECT name FROM population.residents' },
    { rule: 'QUALIFY', sql: 'SELECT district FROM population.residents QUALIFY true' },
    { rule: 'SAMPLE', sql: 'SELECT count(*) FROM population.residents USING SAMPLE 10%' },
    { rule: 'GROUPING_SETS', sql: 'SELECT district, count(*) FROM population.residents GROUP BY ROLLUP(district)' },
    { rule: 'METHOD_CALL', sql: 'SELECT id_card.md5() FROM population.residents' },
    { rule: 'COLUMNS_EXPR', sql: "SELECT COLUMNS('id.*') FROM population.residents" },
    { rule: 'TABLE_FUNCTION', sql: "SELECT * FROM read_csv('/etc/passwd')" },
    { rule: 'PIVOT', sql: "SELECT * FROM population.residents PIVOT (count(*) FOR gender IN ('m'))" },
    { rule: 'SCALAR_SUBQUERY', sql: 'SELECT (SELECT name FROM population.residents) AS x' },
    { rule: 'CROSS_JOIN', sql: 'SELECT count(*) FROM population.residents a, market.enterprises b' },
    { rule: 'JOIN_TYPE', sql: 'SELECT count(*) FROM population.residents a FULL JOIN market.enterprises b ON a.district = b.district' },
    { rule: 'UNKNOWN_NODE', sql: 'SELECT district COLLATE nocase FROM population.residents' },
  ])('refuses $rule', async ({ rule, sql }) => {
    expect(await rulesOf(sql)).toContain(rule);
  });
  it('collects every structural violation, not only the first', async () => {
    const rules = await rulesOf('SELECT #1, row_number() OVER () FROM population.residents USING SAMPLE 1%');
    expect(rules).toEqual(expect.arrayContaining(['POSITIONAL_REF', 'WINDOW_FUNCTION', 'SAMPLE']));
  });
  it('accepts the supported subset', async () => {
    const p = await parseSql(
      "WITH x AS (SELECT district, birth_date FROM population.residents) SELECT district, year(birth_date) y, count(*) FROM x WHERE district IN ('a', 'b') GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY 3 DESC LIMIT 5",
      compiler,
    );
    expect(p.ok).toBe(true);
  });
});
