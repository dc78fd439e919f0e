// The normalized fingerprint of a query: SHA-256 over the mode and the SQL rendered from the caller's
// (unrewritten) tree, so spacing, comments and keyword case do not change it.
import { createHash } from 'node:crypto';
import type { Mode } from './compiled.ts';
import type { Json } from './duckdb-json.ts';

/** Keys of json_serialize_sql nodes that hold identifiers (case-insensitive in DuckDB), never literals. */
const IDENTIFIER_KEYS = new Set(['column_names', 'alias', 'table_name', 'schema_name', 'relation_name', 'key', 'aliases', 'column_name_alias', 'using_columns']);

const fold = (v: Json): Json => (typeof v === 'string' ? v.toLowerCase() : Array.isArray(v) ? v.map(fold) : v);

/** Lower-cases every identifier in an emitted document, so `DISTRICT` and `district` normalize alike. */
export function foldIdentifiers(doc: Json): Json {
  if (Array.isArray(doc)) return doc.map(foldIdentifiers);
  if (typeof doc !== 'object' || doc === null) return doc;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(doc)) out[k] = IDENTIFIER_KEYS.has(k) && (typeof v === 'string' || Array.isArray(v)) ? fold(v) : foldIdentifiers(v);
  return out;
}

export function fingerprint(mode: Mode, normalizedSql: string): string {
  return createHash('sha256').update(`${mode}\n${normalizedSql}`, 'utf8').digest('hex');
}
