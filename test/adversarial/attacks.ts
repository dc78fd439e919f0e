// The ATTACKS.md corpus as data for the end-to-end adversarial suite: every example of every family, with
// the outcome a caller must see over HTTP. R = refused with one of the listed codes; P = answered, protected.

export interface Attack {
  readonly family: string;
  readonly name: string;
  readonly sql: string;
  readonly mode?: 'aggregate' | 'rows';
  readonly expect: 'refused' | 'protected';
  /** For refusals: the codes acceptable for this attempt. */
  readonly codes?: readonly string[];
}

const SQL_REFUSED = ['SQL_SYNTAX', 'SQL_UNSUPPORTED', 'SQL_AMBIGUOUS', 'POLICY_DENIED'] as const;
const R = (family: string, name: string, sql: string, codes: readonly string[] = SQL_REFUSED, mode?: 'rows'): Attack => ({
  family, name, sql, expect: 'refused', codes, ...(mode ? { mode } : {}),
});
const P = (family: string, name: string, sql: string): Attack => ({ family, name, sql, expect: 'protected' });

export const ATTACKS: readonly Attack[] = [
  // Engine escapes
  R('engine escapes', 'read_csv of a system file', "SELECT * FROM read_csv('/etc/passwd')"),
  R('engine escapes', 'read_text', "SELECT * FROM read_text('/etc/passwd')"),
  R('engine escapes', 'read_blob', "SELECT content FROM read_blob('/etc/hostname')"),
  R('engine escapes', 'glob', "SELECT * FROM glob('/*')"),
  R('engine escapes', 'string as table', "SELECT * FROM '/etc/passwd'"),
  R('engine escapes', 'COPY to a file', "COPY population.residents TO 'x.csv'"),
  R('engine escapes', 'ATTACH', "ATTACH ':memory:' AS m"),
  R('engine escapes', 'INSTALL', 'INSTALL httpfs'),
  R('engine escapes', 'LOAD', 'LOAD httpfs'),
  R('engine escapes', 'SET threads', 'SET threads = 64'),
  R('engine escapes', 'PRAGMA', 'PRAGMA enable_profiling'),
  R('engine escapes', 'SET VARIABLE', 'SET VARIABLE v = 1'),
  R('engine escapes', 'getvariable', "SELECT getvariable('v')"),
  R('engine escapes', 'enable_logging', "SELECT * FROM enable_logging(storage='file')"),
  R('engine escapes', 'query()', "SELECT * FROM query('SELECT id_card FROM population.residents')"),
  R('engine escapes', 'query_table()', "SELECT * FROM query_table('population.residents')"),
  R('engine escapes', 'duckdb_settings', 'SELECT * FROM duckdb_settings()'),
  R('engine escapes', 'duckdb_tables', 'SELECT * FROM duckdb_tables()'),
  R('engine escapes', 'pragma_table_info', "SELECT * FROM pragma_table_info('residents')"),
  R('engine escapes', 'SUMMARIZE', 'SUMMARIZE population.residents'),
  R('engine escapes', 'DESCRIBE', 'DESCRIBE population.residents'),
  R('engine escapes', 'SHOW TABLES', 'SHOW TABLES'),
  R('engine escapes', 'PIVOT', 'PIVOT population.residents ON gender USING count(*)'),
  R('engine escapes', 'EXPLAIN ANALYZE', 'EXPLAIN ANALYZE SELECT count(*) FROM population.residents'),
  R('engine escapes', 'two statements', 'SELECT count(*) FROM population.residents; SELECT 1'),
  // Parser differentials
  R('parser differentials', "backslash-quote smuggling",
    "SELECT count(*) AS n, 'x\\' AS t, (SELECT string_agg(id_card, ',') FROM population.residents) AS l --' FROM population.residents"),
  R('parser differentials', 'method-call syntax', 'SELECT id_card.md5() FROM population.residents'),
  R('parser differentials', 'whole-row reference', 'SELECT r FROM population.residents r'),
  R('parser differentials', 'to_json of a row', 'SELECT to_json(r) FROM population.residents r'),
  R('parser differentials', 'COLUMNS()', "SELECT COLUMNS('id.*') FROM population.residents"),
  R('parser differentials', 'star', 'SELECT * FROM population.residents'),
  R('parser differentials', 'upper-case quoted identifier', 'SELECT "ID_CARD" FROM population.residents'),
  // Direct and laundered identifiers
  R('laundered identifiers', 'direct identifiers', 'SELECT id_card, name, phone FROM population.residents LIMIT 10'),
  R('laundered identifiers', 'through a CTE', 'WITH x AS (SELECT id_card AS k FROM population.residents) SELECT k FROM x'),
  R('laundered identifiers', 'through a derived table', 'SELECT d FROM (SELECT phone AS d FROM population.residents)'),
  R('laundered identifiers', 'through a union', 'SELECT district FROM population.residents UNION SELECT name FROM population.residents'),
  R('laundered identifiers', 'substring of an ID number', 'SELECT substr(id_card, 7, 8) AS b, count(*) FROM population.residents GROUP BY 1'),
  R('laundered identifiers', 'hashed identifiers', 'SELECT district, count(DISTINCT md5(id_card)) FROM population.residents GROUP BY 1'),
  // Aggregates that return a member's value
  R('member aggregates', 'min/max of an L3 date', 'SELECT district, max(birth_date), min(birth_date) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'string_agg of names', "SELECT district, string_agg(name, ',') FROM population.residents GROUP BY 1"),
  R('member aggregates', 'arg_max of phone', 'SELECT district, arg_max(phone, birth_date) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'median of an L3 cost', 'SELECT diagnosis_group, median(total_cost) FROM health.medical_claims GROUP BY 1'),
  // Singling out
  R('singling out', 'equality on an ID number',
    "SELECT district, count(*) FROM population.residents WHERE id_card = '230202199001011234' GROUP BY 1"),
  R('singling out', 'pattern on a name', "SELECT count(*) FROM population.residents WHERE name LIKE '张%'"),
  P('singling out', 'narrow filter on birth date and district',
    "SELECT gender, count(*) FROM population.residents WHERE birth_date = DATE '1977-03-03' AND district = '龙沙区' GROUP BY 1"),
  P('singling out', 'HAVING count >= 1', 'SELECT district, count(*) FROM population.residents GROUP BY 1 HAVING count(*) >= 1'),
  R('singling out', 'ORDER BY/LIMIT 1 in a subquery',
    'SELECT count(*) FROM (SELECT * FROM population.residents ORDER BY birth_date DESC LIMIT 1)'),
  R('singling out', 'window row_number',
    'SELECT count(*) FROM (SELECT district, row_number() OVER (ORDER BY birth_date) rn FROM population.residents) WHERE rn = 1'),
  R('singling out', 'ROLLUP', 'SELECT district, gender, count(*) FROM population.residents GROUP BY ROLLUP(district, gender)'),
  R('singling out', 'CUBE', 'SELECT district, gender, count(*) FROM population.residents GROUP BY CUBE(district, gender)'),
  R('singling out', 'GROUPING SETS',
    'SELECT district, gender, count(*) FROM population.residents GROUP BY GROUPING SETS ((district), (gender))'),
  // Side channels
  R('side channels', 'cast error on a name', 'SELECT count(*) FROM population.residents WHERE CAST(name AS INTEGER) > 0'),
  R('side channels', 'error() in a CASE',
    "SELECT count(*) FROM population.residents WHERE CASE WHEN district = '龙沙区' THEN error('x') ELSE true END"),
  R('side channels', 'scalar subquery of names', "SELECT (SELECT name FROM population.residents WHERE district = '龙沙区') AS x"),
  R('side channels', 'cross join of ranges', 'SELECT count(*) FROM range(1000000000) a, range(1000000) b'),
];
