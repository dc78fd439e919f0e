// Defence in depth: every base column any scan in DuckDB's bound plan reads must be one the analysis
// accounted for, and every scan must be a plain catalog table scan. Anything else refuses the query.
// A scan that needs no column at all (count(*) alone) reads DuckDB's virtual row id, which is no
// catalog column and carries no value of the data; the analysis refuses `rowid` in a caller's SQL
// (UNKNOWN_COLUMN), so only such a scan reads it.
import { isObject, type Json } from './duckdb-json.ts';

/** DuckDB's virtual column ids start at 2^63 (the row id is 2^64−1); JSON gives them as doubles. */
const VIRTUAL_COLUMN_START = 2 ** 63;

export interface PlanFinding {
  readonly ok: boolean;
  /** `schema.table.column` keys read but not accounted (never shown to the caller beyond the rule). */
  readonly unaccounted: readonly string[];
}

export function checkPlan(plan: Json, accounted: ReadonlySet<string>): PlanFinding {
  const unaccounted: string[] = [];
  let ok = true;
  const visit = (n: Json): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!isObject(n)) return;
    if (n['type'] === 'LOGICAL_GET') {
      const fd = n['function_data'];
      const names = n['names'];
      const idx = n['column_indexes'];
      if (n['name'] !== 'seq_scan' || !isObject(fd) || !Array.isArray(names) || !Array.isArray(idx)) {
        ok = false;
      } else {
        const table = `${String(fd['schema'])}.${String(fd['table'])}`.toLowerCase();
        for (const ci of idx) {
          const i = isObject(ci) ? ci['index'] : undefined;
          if (typeof i === 'number' && i >= VIRTUAL_COLUMN_START && idx.length === 1) continue;
          const name = typeof i === 'number' ? names[i] : undefined;
          if (typeof name !== 'string') {
            ok = false;
            continue;
          }
          const key = `${table}.${name.toLowerCase()}`;
          if (!accounted.has(key)) unaccounted.push(key);
        }
      }
    }
    for (const v of Object.values(n)) if (typeof v === 'object' && v !== null) visit(v);
  };
  visit(plan);
  return { ok: ok && unaccounted.length === 0, unaccounted };
}
