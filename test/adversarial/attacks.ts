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

/**
 * More spellings of the same ideas (ATTACKS.md: "the defence must hold for every spelling"): other functions,
 * quoting, case, aliases, nesting, operator syntax and the row mode. Literals in them are made up, never
 * values of the generated domain, so the leak scan can tell an echo of the request from a leak.
 */
export const MORE_SPELLINGS: readonly Attack[] = [
  // Engine escapes
  R('engine escapes', 'upper-case read_csv_auto', "select * from READ_CSV_AUTO('/etc/passwd')"),
  R('engine escapes', 'quoted table-function name', `SELECT * FROM "read_csv"('/etc/passwd')`),
  R('engine escapes', 'sniff_csv', "SELECT * FROM sniff_csv('/etc/passwd')"),
  R('engine escapes', 'parquet_metadata', "SELECT * FROM parquet_metadata('/tmp/x.parquet')"),
  R('engine escapes', 'generate_series', 'SELECT count(*) FROM generate_series(1, 1000000000)'),
  R('engine escapes', 'CALL', 'CALL pragma_version()'),
  R('engine escapes', 'EXPORT DATABASE', "EXPORT DATABASE '/tmp/dsbx-export'"),
  R('engine escapes', 'CREATE TABLE AS', 'CREATE TABLE t AS SELECT * FROM population.residents'),
  R('engine escapes', 'SET memory_limit', "SET memory_limit = '100GB'"),
  R('engine escapes', 'RESET', 'RESET threads'),
  R('engine escapes', 'current_setting', "SELECT current_setting('threads') AS s"),
  R('engine escapes', 'USE', 'USE population'),
  R('engine escapes', 'CHECKPOINT', 'CHECKPOINT'),
  R('engine escapes', 'a DROP after a SELECT', 'SELECT 1; DROP TABLE population.residents'),
  // Parser differentials
  R('parser differentials', 'quoted schema and table', 'SELECT "id_card" FROM "population"."residents"'),
  R('parser differentials', 'mixed-case names', 'SELECT Id_Card FROM Population.Residents'),
  R('parser differentials', 'table-qualified column', 'SELECT residents.id_card FROM population.residents'),
  R('parser differentials', 'aliased table', 'SELECT p.name FROM population.residents AS p'),
  R('parser differentials', 'star EXCLUDE', 'SELECT * EXCLUDE (gender) FROM population.residents'),
  R('parser differentials', 'COLUMNS lambda', "SELECT COLUMNS(c -> c LIKE '%card%') FROM population.residents"),
  R('parser differentials', 'method call on a name', 'SELECT name.upper() AS u FROM population.residents'),
  R('parser differentials', 'struct_pack', 'SELECT struct_pack(n := name) AS s FROM population.residents'),
  R('parser differentials', 'struct literal', "SELECT {'n': name} AS s FROM population.residents"),
  R('parser differentials', 'list literal', 'SELECT [phone] AS l FROM population.residents'),
  R('parser differentials', 'table name as a row', 'SELECT residents FROM population.residents'),
  R('parser differentials', 'dollar-quoted smuggling',
    "SELECT count(*) AS n, $$x'$$ AS t, (SELECT string_agg(name, ',') FROM population.residents) AS l FROM population.residents"),
  R('parser differentials', 'comments between tokens', 'SELECT/**/name/**/FROM/**/population.residents'),
  // Direct and laundered identifiers
  R('laundered identifiers', 'upper() of a name', 'SELECT upper(name) AS u FROM population.residents'),
  R('laundered identifiers', 'concatenation with an empty string', "SELECT id_card || '' AS x FROM population.residents"),
  R('laundered identifiers', 'concat()', "SELECT concat(phone, '') AS x FROM population.residents"),
  R('laundered identifiers', 'reverse()', 'SELECT reverse(phone) AS x FROM population.residents'),
  R('laundered identifiers', 'prefix of an address as a group key', 'SELECT left(address, 6) AS a, count(*) FROM population.residents GROUP BY 1'),
  R('laundered identifiers', 'DISTINCT names', 'SELECT DISTINCT name FROM population.residents'),
  R('laundered identifiers', 'raw ID number in row mode', 'SELECT id_card, district FROM population.residents LIMIT 5', SQL_REFUSED, 'rows'),
  R('laundered identifiers', 'raw name in row mode', 'SELECT name AS n FROM population.residents', SQL_REFUSED, 'rows'),
  R('laundered identifiers', 'raw card number as a group key', 'SELECT card_no, count(*) FROM transit.card_trips GROUP BY 1'),
  R('laundered identifiers', 'raw diagnosis code as a group key', 'SELECT diagnosis_code, count(*) FROM health.medical_claims GROUP BY 1'),
  R('laundered identifiers', 'CASE over an ID number',
    "SELECT CASE WHEN id_card LIKE '2302%' THEN 'a' ELSE 'b' END AS x, count(*) FROM population.residents GROUP BY 1"),
  // Aggregates that return a member's value
  R('member aggregates', 'max of a name', 'SELECT district, max(name) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'min of a phone', 'SELECT district, min(phone) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'mode of an address', 'SELECT district, mode(address) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'array_agg of ID numbers', 'SELECT district, array_agg(id_card) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'arg_min of a name', 'SELECT district, arg_min(name, birth_date) FROM population.residents GROUP BY 1'),
  R('member aggregates', 'quantile_disc of a cost', 'SELECT diagnosis_group, quantile_disc(total_cost, 0.5) FROM health.medical_claims GROUP BY 1'),
  R('member aggregates', 'max with FILTER', "SELECT district, max(birth_date) FILTER (WHERE gender = '男') FROM population.residents GROUP BY 1"),
  // Singling out
  R('singling out', 'equality on a phone', "SELECT district, count(*) FROM population.residents WHERE phone = '13900000000' GROUP BY 1"),
  R('singling out', 'IN list of ID numbers',
    "SELECT count(*) FROM population.residents WHERE id_card IN ('230202199001011234', '230202199001011235')"),
  R('singling out', 'pattern on an address', "SELECT count(*) FROM population.residents WHERE address LIKE '%团结村%'"),
  R('singling out', 'starts_with on a name', "SELECT count(*) FROM population.residents WHERE starts_with(name, '张')"),
  R('singling out', 'regex operator on a name', "SELECT count(*) FROM population.residents WHERE name ~ '^张'"),
  R('singling out', 'substring of an ID number in a filter', "SELECT count(*) FROM population.residents WHERE substr(id_card, 7, 4) = '1990'"),
  R('singling out', 'QUALIFY', 'SELECT count(*) FROM population.residents QUALIFY row_number() OVER () = 1'),
  R('singling out', 'LIMIT 1 in a subquery', 'SELECT count(*) FROM (SELECT * FROM population.residents LIMIT 1)'),
  R('singling out', 'USING SAMPLE', 'SELECT count(*) FROM (SELECT * FROM population.residents USING SAMPLE 1)'),
  // Side channels
  R('side channels', 'cast of a phone to a date', 'SELECT count(*) FROM population.residents WHERE CAST(phone AS DATE) IS NOT NULL'),
  R('side channels', ':: cast of a name', 'SELECT count(*) FROM population.residents WHERE name::INTEGER > 0'),
  R('side channels', 'error() on a name', 'SELECT count(*) FROM population.residents WHERE error(name) IS NULL'),
  R('side channels', 'division error keyed on a name',
    "SELECT count(*) FROM population.residents WHERE CASE WHEN name = '张三丰' THEN 1 // 0 ELSE 1 END = 1"),
  R('side channels', 'scalar subquery of a phone', 'SELECT (SELECT phone FROM population.residents LIMIT 1) AS p'),
];
