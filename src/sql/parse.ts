// Step 1 of the pipeline: size and nesting limits, then DuckDB's own parser (the authority), exactly one
// SELECT statement, then conversion into the project's nodes. The caller's text is attacker-controlled.
import type { SelectNode } from './ast.ts';
import type { SqlCompiler } from './compiler.ts';
import { convertStatement } from './convert.ts';
import { asArray, isObject, type Json } from './duckdb-json.ts';
import { ViolationList } from '../policy/rules.ts';

export const MAX_SQL_BYTES = 64 * 1024;
/** Parenthesis nesting allowed in the text, checked before any parser sees it. */
export const MAX_NESTING = 48;

export type Parsed =
  | { readonly ok: true; readonly query: SelectNode; readonly ast: Json }
  | { readonly ok: false; readonly violations: ViolationList };

/** Refuses oversized or deeply nested text before parsing (counts every parenthesis, quoted or not). */
export function checkLimits(sql: string): ViolationList {
  const v = new ViolationList();
  if (Buffer.byteLength(sql, 'utf8') > MAX_SQL_BYTES) {
    v.add('SQL_TOO_LARGE');
    return v;
  }
  if (sql.trim() === '') v.add('SQL_EMPTY');
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql.charCodeAt(i);
    if (ch === 40 || ch === 91 || ch === 123) {
      if (++depth > MAX_NESTING) {
        v.add('SQL_TOO_DEEP', { position: i });
        break;
      }
    } else if (ch === 41 || ch === 93 || ch === 125) depth = Math.max(0, depth - 1);
  }
  return v;
}

export async function parseSql(sql: string, compiler: SqlCompiler): Promise<Parsed> {
  const limits = checkLimits(sql);
  if (limits.length > 0) return { ok: false, violations: limits };
  const ast = await compiler.serialize(sql);
  const v = new ViolationList();
  if (!isObject(ast)) {
    v.add('SYNTAX_ERROR');
    return { ok: false, violations: v };
  }
  if (ast['error'] !== false) {
    if (ast['error_type'] === 'parser') {
      const p = Number(ast['position']);
      v.add('SYNTAX_ERROR', Number.isSafeInteger(p) ? { position: p } : {});
    } else {
      // DuckDB serializes only SELECT: COPY, SET, PRAGMA, ATTACH, EXPLAIN, ... land here.
      v.add('NOT_SELECT');
    }
    return { ok: false, violations: v };
  }
  const statements = asArray(ast['statements'] ?? null, 0);
  if (statements.length !== 1) {
    v.add(statements.length === 0 ? 'SQL_EMPTY' : 'MULTIPLE_STATEMENTS');
    return { ok: false, violations: v };
  }
  const statement = statements[0]!;
  if (!isObject(statement) || !isObject(statement['node'] ?? null)) {
    v.add('UNKNOWN_NODE');
    return { ok: false, violations: v };
  }
  if (asArray(statement['named_param_map'] ?? null, 0).length > 0) v.add('PARAMETER');
  const converted = convertStatement(statement['node']!);
  if (!converted.ok) {
    for (const x of converted.violations.items) v.add(x.rule as never, x.position === undefined ? {} : { position: x.position });
    return { ok: false, violations: v };
  }
  if (v.length > 0) return { ok: false, violations: v };
  return { ok: true, query: converted.query, ast };
}
