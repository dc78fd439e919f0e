// Executed-fixture tests of the query compiler (sqlglot style): every refused line gets its coded refusal, and
// every legitimate query compiles, runs on a generated domain, and releases exactly what the unprotected query
// says for the groups that pass the threshold.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Json } from '@duckdb/node-api';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import type { Catalog, Column } from '../catalog/schema.ts';
import { homePaths } from '../config.ts';
import { loadPolicy } from '../policy/load.ts';
import type { Decision } from '../policy/decision.ts';
import type { Principal } from '../auth/principal.ts';
import { SANDBOX_MACROS } from '../../sandbox/macros.ts';
import { testDomainHome } from '../../test/support/domain.ts';
import type { CompiledQuery, OutputColumn } from './compiled.ts';
import { compileQuery, SqlCompiler } from './compile.ts';
import { loadAllowed, loadRefused, type AllowedFixture, type RefusedFixture } from './fixtures/load.ts';
import { OneRowPerUnit } from './one-row-per-unit.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Small enough to keep the suite quick, large enough that most groups pass k = 10. */
const SCALE = 3000;

// Every dataset under the threshold profile: the corpus checks the grading rules and the threshold release,
// which do not depend on the profile. Under dp (health by default) the same queries get contribution bounds
// and noise, or a DP_* refusal; those are tested in src/dp and test/dp.test.ts.
const catalog: Catalog = makeCatalog(loadCatalog(path.join(ROOT, 'datasets')).datasets.map((d) => ({ ...d, profile: 'threshold' as const })));
const policy = loadPolicy(path.join(ROOT, 'policies'));
const allowed = loadAllowed();
const refused = loadRefused();

const analyst: Principal = {
  sub: 'fixture-analyst',
  org: 'fixtures',
  roles: ['researcher'],
  datasets: 'all',
  jti: 'fixture-license',
  exp: Math.floor(Date.now() / 1000) + 3600,
};

// The codes and rule names agreed with the compiler; a typo in the corpus must fail here, not pass silently.
const DENY_CODES = new Set(['BAD_REQUEST', 'SQL_SYNTAX', 'SQL_UNSUPPORTED', 'SQL_AMBIGUOUS', 'POLICY_DENIED']);
const RULES: Record<string, ReadonlySet<string>> = {
  SQL_UNSUPPORTED: new Set([
    'NOT_SELECT', 'MULTIPLE_STATEMENTS', 'UNKNOWN_NODE', 'TABLE_FUNCTION', 'STRING_AS_TABLE', 'UNKNOWN_TABLE',
    'UNKNOWN_COLUMN', 'STAR', 'COLUMNS_EXPR', 'WHOLE_ROW', 'METHOD_CALL', 'LAMBDA', 'POSITIONAL_REF', 'SET_OPERATION',
    'WINDOW_FUNCTION', 'GROUPING_SETS', 'RECURSIVE_CTE', 'QUALIFY', 'PIVOT', 'SAMPLE', 'CROSS_JOIN', 'JOIN_TYPE',
    'SUBQUERY_LIMIT', 'SCALAR_SUBQUERY', 'PARAMETER', 'NESTED_RESULT', 'NOT_BINDABLE', 'TYPE_MISMATCH', 'RUNTIME_ERROR',
  ]),
  POLICY_DENIED: new Set([
    'L4_IN_OUTPUT', 'L3_IN_OUTPUT', 'L3_UNGENERALIZED_GROUP', 'L4_IN_GROUP', 'L4_IN_FILTER', 'L3_FILTER_NOT_CONSTANT',
    'FUNCTION_NOT_ALLOWED', 'ERROR_PRONE_FUNCTION', 'MEMBER_AGGREGATE', 'ORDER_STATISTIC', 'AGGREGATE_NOT_ALLOWED',
    'UNBOUNDED_SUM', 'JOIN_NOT_EQUALITY', 'JOIN_SEMANTIC_MISMATCH', 'SELF_JOIN', 'PRIVACY_UNIT_MISMATCH',
    'MASK_NOT_ALLOWED', 'PSEUDONYM_NOT_ALLOWED', 'MASK_POSITION', 'NOT_AGGREGATED', 'PLAN_COLUMN_UNACCOUNTED',
  ]),
};

const describeExpected = (f: RefusedFixture): string =>
  f.acceptable.map((a) => (a.rule ? `${a.code}:${a.rule}` : a.code)).join(' | ');

describe('the fixture corpus', () => {
  it('holds at least 70 legitimate queries, a dozen of them row releases', () => {
    expect(allowed.length).toBeGreaterThanOrEqual(70);
    expect(allowed.filter((a) => a.mode === 'rows').length).toBeGreaterThanOrEqual(12);
  });

  it('queries every table of the catalog', () => {
    const text = allowed.map((a) => a.sql.toLowerCase().replaceAll('"', '')).join('\n');
    for (const d of catalog.datasets) for (const t of d.tables) expect(text).toContain(`${d.id}.${t.name}`);
  });

  it('holds at least 150 refused queries, each expecting an agreed code and rule', () => {
    expect(refused.length).toBeGreaterThanOrEqual(150);
    for (const f of refused) {
      for (const a of f.acceptable) {
        expect(DENY_CODES, `line ${f.line}`).toContain(a.code);
        if (a.rule) expect(RULES[a.code], `line ${f.line}`).toContain(a.rule);
      }
    }
  });

  it('has no refused query twice', () => {
    const seen = new Set<string>();
    for (const f of refused) {
      expect(seen.has(`${f.mode}\t${f.sql}`), `line ${f.line}`).toBe(false);
      seen.add(`${f.mode}\t${f.sql}`);
    }
  });
});

let compiler: SqlCompiler;
/** The same compiler without verified one-row-per-unit tables: it counts units with count(DISTINCT) always. */
let distinctCompiler: SqlCompiler;
const oneRowPerUnit = new OneRowPerUnit();

afterAll(() => {
  compiler?.close();
  distinctCompiler?.close();
});

const compile = (sql: string, mode: 'aggregate' | 'rows', using: SqlCompiler = compiler): Promise<Decision> =>
  compileQuery({ sql, mode }, analyst, catalog, policy, using);

describe('refused queries', () => {
  const cases = refused.map((f) => ({ ...f, name: `line ${f.line} (${f.mode}): ${describeExpected(f)} — ${f.sql.slice(0, 100)}` }));

  // A loop rather than it.each: vitest shortens `$name` titles, and a failing line must be findable by its title.
  for (const f of cases) {
    it(f.name, async () => {
      const decision = await compile(f.sql, f.mode);
      const got: { code: string; rules: string[] } =
        decision.effect === 'deny' ? { code: decision.code, rules: decision.violations.map((v) => v.rule) } : { code: 'ALLOWED', rules: [] };
      const matches = f.acceptable.some((a) => a.code === got.code && (a.rule === undefined || got.rules.includes(a.rule)));
      expect(matches, `expected ${describeExpected(f)}, got ${got.code} [${got.rules.join(', ')}]`).toBe(true);
    });
  }
});

// ---- executing the legitimate corpus on a generated domain --------------------------------------------------

let domain: DuckDBInstance;
/** Runs what the compiler rendered: only the sandbox's macros exist here, as in the sandbox. */
let protectedConn: DuckDBConnection;
/** Runs the caller's text as written; mask() and pseudonym() are identities, so raw values come back. */
let unprotectedConn: DuckDBConnection;
let clampedDb: DuckDBInstance;
/**
 * Runs the caller's text over views of the same domain in which every bounded L3 column is clamped to its
 * declared bounds: what a protected sum or average must equal. The generated data deliberately holds a few
 * values beyond the bounds, so this is where protected and unprotected aggregates may (and do) differ.
 */
let clampedConn: DuckDBConnection;
const released: { name: string; groups: number }[] = [];
/** Fixtures whose release counted units as rows (compared above with the count(DISTINCT) release). */
const countedAsRows: string[] = [];

const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** View definitions over the attached domain `d`, bounded L3 columns clamped exactly as DESIGN.md asks. */
function clampedViews(): string[] {
  const ddl: string[] = [];
  for (const d of catalog.datasets) {
    ddl.push(`CREATE SCHEMA ${quote(d.id)}`);
    for (const t of d.tables) {
      const cols = t.columns.map((c: Column) =>
        c.bounds && c.level === 'L3'
          ? `CAST(least(greatest(${quote(c.name)}, ${c.bounds[0]}), ${c.bounds[1]}) AS ${c.type}) AS ${quote(c.name)}`
          : quote(c.name),
      );
      ddl.push(`CREATE VIEW ${quote(d.id)}.${quote(t.name)} AS SELECT ${cols.join(', ')} FROM d.${quote(d.id)}.${quote(t.name)}`);
    }
  }
  return ddl;
}

async function withMacros(conn: DuckDBConnection, identityMasks: boolean): Promise<DuckDBConnection> {
  for (const m of SANDBOX_MACROS) await conn.run(m);
  if (identityMasks) {
    await conn.run('CREATE OR REPLACE TEMP MACRO mask(x) AS x');
    await conn.run('CREATE OR REPLACE TEMP MACRO pseudonym(x) AS x');
  }
  return conn;
}

beforeAll(async () => {
  const file = homePaths(await testDomainHome(SCALE)).domain;
  domain = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  protectedConn = await withMacros(await domain.connect(), false);
  unprotectedConn = await withMacros(await domain.connect(), true);
  clampedDb = await DuckDBInstance.create(':memory:');
  clampedConn = await clampedDb.connect();
  await clampedConn.run(`ATTACH ${`'${file.replaceAll("'", "''")}'`} AS d (READ_ONLY)`);
  for (const s of clampedViews()) await clampedConn.run(s);
  await withMacros(clampedConn, true);
  // The query path verifies the catalog's one-row-per-unit claims against the data at start; so does this.
  await oneRowPerUnit.verify(catalog, async (check) => (await rowsOf(protectedConn, check.sql)).rows[0]?.[0]);
  compiler = await SqlCompiler.create(catalog, { oneRowPerUnit });
  distinctCompiler = await SqlCompiler.create(catalog);
});

afterAll(() => {
  clampedConn?.closeSync();
  clampedDb?.closeSync();
  unprotectedConn?.closeSync();
  protectedConn?.closeSync();
  domain?.closeSync();
});

async function rowsOf(conn: DuckDBConnection, sql: string): Promise<{ columns: number; rows: Json[][] }> {
  const reader = await conn.runAndReadAll(sql);
  return { columns: reader.columnCount, rows: reader.getRowsJson() };
}

const asNumber = (v: Json): number => (typeof v === 'number' ? v : Number(v));
const approxEqual = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * One released aggregate cell: counts equal the unprotected count exactly (before rounding, which the gate
 * does); every other aggregate equals the caller's query over clamped inputs, so it differs from the
 * unprotected value only where the data exceeds the declared bounds.
 */
function expectSameAggregate(out: OutputColumn, prot: Json, raw: Json, clamped: Json, nested: boolean, where: string): void {
  if (out.protection.kind !== 'aggregate') return;
  const fn = out.protection.fn.toLowerCase();
  const label = `${where}: ${out.name} (${fn})`;
  if (fn.startsWith('count')) {
    expect(asNumber(prot), label).toBe(asNumber(raw));
    return;
  }
  if (prot === null || clamped === null || typeof prot !== 'number' && Number.isNaN(Number(prot))) {
    // Non-numeric results (min/max of an L1/L2 date, say) must match exactly.
    expect(prot, label).toEqual(clamped);
    return;
  }
  const p = asNumber(prot);
  const c = asNumber(clamped);
  const detail = `${label}: protected ${p}, clamped reference ${c}, unprotected ${String(raw)}`;
  if (nested && (fn === 'sum' || fn === 'avg') && !approxEqual(p, c)) {
    // Over a per-person aggregate (claims cost per person, say) the compiler also clamps each person's total
    // to the column's bounds; with non-negative values that can only lower the result.
    expect(p >= 0 && p <= c + 1e-6 * Math.max(1, Math.abs(c)), detail).toBe(true);
    return;
  }
  expect(approxEqual(p, c), detail).toBe(true);
}

/** Whether the caller's query aggregates over an aggregated subquery or CTE (read from DuckDB's own AST). */
async function aggregatesOverAggregates(sql: string): Promise<boolean> {
  const r = await unprotectedConn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  let grouped = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'SELECT_NODE' && Array.isArray(o.group_expressions) && o.group_expressions.length > 0) grouped++;
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(String(r.getRowsJson()[0]?.[0])));
  return grouped > 1;
}

/** Whether the query reads a dataset whose tables hold personal data (a declared privacy unit). */
const touchesPersonalData = (compiled: CompiledQuery): boolean =>
  compiled.datasets.some((id) => catalog.dataset(id)?.tables.some((t) => t.privacyUnit !== null));

async function expectAggregateMatches(f: AllowedFixture, compiled: CompiledQuery): Promise<void> {
  const prot = await rowsOf(protectedConn, compiled.sql);
  const raw = await rowsOf(unprotectedConn, f.sql);
  const ref = await rowsOf(clampedConn, f.sql);
  const n = compiled.outputs.length;
  expect(prot.columns).toBe(n + compiled.helpers.length);
  expect(raw.columns).toBe(n);

  if (touchesPersonalData(compiled)) expect(compiled.threshold, 'a release over personal data has a threshold').not.toBeNull();
  const unitHelpers = compiled.helpers.flatMap((h, i) => (h.role === 'unit_count' ? [n + i] : []));
  if (compiled.threshold) expect(unitHelpers.length, 'a thresholded release counts privacy units').toBeGreaterThan(0);

  const keyAt = compiled.outputs.flatMap((o, i) => (o.protection.kind === 'group_key' ? [i] : []));
  const keyOf = (row: Json[]): string => JSON.stringify(keyAt.map((i) => row[i] ?? null));
  const byKey = (rows: Json[][]): Map<string, Json[]> => new Map(rows.map((row) => [keyOf(row), row]));
  const unprotectedByKey = byKey(raw.rows);
  const clampedByKey = byKey(ref.rows);

  const nested = await aggregatesOverAggregates(f.sql);
  const threshold = compiled.threshold;
  const passing = prot.rows.filter(
    (row) => threshold === null || unitHelpers.every((i) => asNumber(row[i] ?? null) >= threshold.k),
  );
  // Where the release counts units as rows (a verified one-row-per-unit table), every group's count must be
  // the count of distinct units that the general rewrite computes.
  const general = await compile(f.sql, f.mode, distinctCompiler);
  if (general.effect === 'allow' && general.compiled.sql !== compiled.sql) {
    const distinctRows = byKey((await rowsOf(protectedConn, general.compiled.sql)).rows);
    countedAsRows.push(f.name);
    for (const row of prot.rows) {
      const other = distinctRows.get(keyOf(row));
      expect(other, `${f.name}: group ${keyOf(row)} missing from the count(DISTINCT) release`).toBeDefined();
      for (const i of unitHelpers) expect(asNumber(row[i] ?? null), `${f.name}: units of group ${keyOf(row)}`).toBe(asNumber(other?.[i] ?? null));
    }
    expect(distinctRows.size).toBe(prot.rows.length);
  }
  for (const row of passing) {
    const key = keyOf(row);
    const match = unprotectedByKey.get(key);
    expect(match, `${f.name}: released group ${key} is not in the unprotected result`).toBeDefined();
    if (!match) continue;
    const clamped = clampedByKey.get(key) ?? [];
    compiled.outputs.forEach((out, i) => {
      if (out.protection.kind === 'group_key') expect(row[i]).toEqual(match[i]);
      else expectSameAggregate(out, row[i] ?? null, match[i] ?? null, clamped[i] ?? null, nested, `${f.name} group ${key}`);
    });
  }
  released.push({ name: f.name, groups: passing.length });
}

/** Which top-level select items the caller wrapped in mask() or pseudonym(), read from DuckDB's own AST. */
async function maskedPositions(sql: string): Promise<('mask' | 'pseudonym' | null)[]> {
  const r = await unprotectedConn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const ast = JSON.parse(String(r.getRowsJson()[0]?.[0])) as {
    statements: { node: { select_list: { class: string; function_name?: string }[] } }[];
  };
  return (ast.statements[0]?.node.select_list ?? []).map((e) => {
    const fn = e.class === 'FUNCTION' ? e.function_name?.toLowerCase() : undefined;
    return fn === 'mask' || fn === 'pseudonym' ? fn : null;
  });
}

async function expectRowsMatch(f: AllowedFixture, compiled: CompiledQuery): Promise<void> {
  const prot = await rowsOf(protectedConn, compiled.sql);
  const raw = await rowsOf(unprotectedConn, f.sql);
  const n = compiled.outputs.length;
  expect(prot.columns).toBe(n + compiled.helpers.length);
  expect(raw.columns).toBe(n);
  if (touchesPersonalData(compiled)) expect(compiled.kAnonymity, 'a row release of personal data is k-anonymized').not.toBeNull();

  // The rendered query caps rows at rowCap + 1, so the gate can tell that it truncated.
  expect(prot.rows.length).toBe(Math.min(raw.rows.length, compiled.rowCap + 1));

  const wrapped = await maskedPositions(f.sql);
  compiled.outputs.forEach((out, i) => {
    const w = wrapped[i] ?? null;
    if (w === 'mask') expect(out.protection.kind, `${f.name}: ${out.name}`).toBe('masked');
    else if (w === 'pseudonym') expect(out.protection.kind, `${f.name}: ${out.name}`).toBe('pseudonym');
    else expect(['masked', 'pseudonym'], `${f.name}: ${out.name}`).not.toContain(out.protection.kind);
  });

  // Under the cap, the rendered query returns exactly the caller's rows, with the raw values in the masked
  // positions: the gate masks them, so they must be there to mask.
  if (raw.rows.length <= compiled.rowCap) {
    const canon = (rows: Json[][]) => rows.map((r) => JSON.stringify(r.slice(0, n))).sort();
    expect(canon(prot.rows)).toEqual(canon(raw.rows));
  }
  released.push({ name: f.name, groups: prot.rows.length });
}

describe('legitimate queries', () => {
  // Sequential on one pair of connections: the compiler and DuckDB share two cores with the rest of the suite.
  for (const f of allowed) {
    it(`${f.name} (${f.mode}, line ${f.line})`, async () => {
      const decision = await compile(f.sql, f.mode);
      const refusal = decision.effect === 'deny' ? `${decision.code} [${decision.violations.map((v) => v.rule).join(', ')}]` : '';
      expect(decision.effect, `refused: ${refusal}`).toBe('allow');
      if (decision.effect !== 'allow') return;
      const compiled = decision.compiled;
      expect(compiled.mode).toBe(f.mode);
      if (f.mode === 'rows') await expectRowsMatch(f, compiled);
      else await expectAggregateMatches(f, compiled);
    });
  }

  it('verified population.residents as one row per unit and counted its units as rows, with the same counts', () => {
    expect(oneRowPerUnit.has('population.residents')).toBe(true);
    expect(countedAsRows.length).toBeGreaterThanOrEqual(10);
  });

  it('releases something for nearly every query, so the comparisons above are not vacuous', () => {
    const empty = released.filter((r) => r.groups === 0).map((r) => r.name);
    expect(released.length).toBeGreaterThan(0);
    expect(empty.length, `released nothing: ${empty.join(', ')}`).toBeLessThanOrEqual(Math.floor(released.length * 0.1));
  });
});
