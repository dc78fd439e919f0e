// The executor's own check of every statement before it runs, defence in depth behind the compiler.
// DuckDB's configuration stops file, network and extension access, but not everything an attacker could
// smuggle into a SELECT: `query()`, `query_table()`, SUMMARIZE/DESCRIBE/SHOW, catalog functions,
// `SET VARIABLE`, temp tables and multiple statements all run happily on a locked, read-only instance.
// So: DuckDB's own parser must see exactly one SELECT whose table references are base tables, joins and
// subqueries only; and DuckDB's bound plan must read nothing but sequential scans of the domain's tables.
import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import { SandboxError } from '../failure.ts';
import type { ExecutorConnection } from './connection-pool.ts';
import type { DomainTables } from './hardened-instance.ts';

/** Table references a compiled query may contain; a table function, SHOW/DESCRIBE/SUMMARIZE, PIVOT or VALUES may not. */
const ALLOWED_TABLE_REFS = new Set(['BASE_TABLE', 'JOIN', 'SUBQUERY', 'EMPTY']);
const REFUSED_ANYWHERE = new Set(['TABLE_FUNCTION', 'SHOW_REF', 'PIVOT', 'EXPRESSION_LIST', 'COLUMN_DATA']);
/**
 * Scalar functions that read the engine's state rather than the data, or change the connection's state
 * (`setseed`): connections are reused across licenses, so a query must leave nothing behind on one.
 */
const REFUSED_FUNCTIONS = new Set(['getvariable', 'current_setting', 'getenv', 'query', 'query_table', 'enable_logging', 'disable_logging', 'setseed']);

const refuse = (): never => {
  throw new SandboxError('statement_refused');
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkTableRef(ref: Json | undefined): void {
  if (!isObject(ref) || typeof ref.type !== 'string' || !ALLOWED_TABLE_REFS.has(ref.type)) refuse();
  const r = ref as { [key: string]: Json };
  if (r.type === 'JOIN') {
    checkTableRef(r.left);
    checkTableRef(r.right);
  }
}

/** Walk the parsed AST: every `from_table` (at any depth) is checked, and some node types are refused wherever they appear. */
function walkAst(node: Json): void {
  if (Array.isArray(node)) {
    for (const n of node) walkAst(n);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.type === 'string' && REFUSED_ANYWHERE.has(node.type)) refuse();
  if (node.class === 'FUNCTION' && typeof node.function_name === 'string' && REFUSED_FUNCTIONS.has(node.function_name.toLowerCase())) refuse();
  if ('from_table' in node) checkTableRef(node.from_table);
  for (const v of Object.values(node)) walkAst(v);
}

/** Walk the bound plan: every LOGICAL_GET must be a sequential scan of a table of the domain. */
function walkPlan(node: Json, domain: DomainTables): void {
  if (Array.isArray(node)) {
    for (const n of node) walkPlan(n, domain);
    return;
  }
  if (!isObject(node)) return;
  if (node.type === 'LOGICAL_GET') {
    const data = node.function_data;
    if (node.name !== 'seq_scan' || !isObject(data)) refuse();
    const d = data as { [key: string]: Json };
    if (d.catalog !== domain.catalog || !domain.tables.has(`${String(d.schema)}.${String(d.table)}`)) refuse();
  }
  for (const v of Object.values(node)) walkPlan(v, domain);
}

/** Runs one of the connection's prepared serializers (`SELECT json_serialize_…($1)`) on `sql`, bound as a parameter. */
async function serialized(statement: DuckDBPreparedStatement, sql: string): Promise<{ [key: string]: Json }> {
  let text: unknown;
  try {
    statement.bindVarchar(1, sql);
    const reader = await statement.runAndReadAll();
    text = reader.getRows()[0]?.[0];
  } catch {
    // A statement the binder rejects (e.g. `FROM '/etc/passwd'` with external access off) lands here.
    return refuse();
  }
  if (typeof text !== 'string') return refuse();
  const parsed = JSON.parse(text) as Json;
  if (!isObject(parsed) || parsed.error !== false) return refuse();
  return parsed as { [key: string]: Json };
}

/** Throws SandboxError('statement_refused') unless `sql` is one SELECT over the domain's tables and nothing else. */
export async function guardStatement(conn: ExecutorConnection, sql: string, domain: DomainTables): Promise<void> {
  // json_serialize_sql only serializes SELECT statements; anything else (COPY, ATTACH, SET, PRAGMA,
  // INSTALL, EXPLAIN, PIVOT ...) comes back as an error object.
  const ast = await serialized(conn.serializeSql, sql);
  const statements = ast.statements;
  if (!Array.isArray(statements) || statements.length !== 1) refuse();
  walkAst(statements as Json);

  const plan = await serialized(conn.serializePlan, sql);
  const plans = plan.plans;
  if (!Array.isArray(plans) || plans.length !== 1) refuse();
  walkPlan(plans as Json, domain);
}
