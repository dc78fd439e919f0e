// The independent second reader: node-sql-parser (PostgreSQL dialect) parses the caller's text too, and
// the query is SQL_AMBIGUOUS unless it parses and sees the same catalog tables and the same columns after
// case folding and alias resolution. This closes parser-differential smuggling ('x\' quoting, comments
// that one parser sees and the other does not, method-call syntax).
import NSP from 'node-sql-parser';
import type { Analysis } from './analyse.ts';

const { Parser } = NSP;
const parser = new Parser();

/** Words node-sql-parser reports as columns in typed literals (DATE '2020-01-01', INTERVAL '1 day'). */
const LITERAL_WORDS = new Set(['date', 'interval', 'timestamp', 'time', 'current_date']);

export interface ReaderFacts {
  readonly tables: ReadonlySet<string>;
  readonly referenced: ReadonlySet<string>;
  readonly starUsed: boolean;
  readonly names: ReadonlySet<string>;
  /** Lower-cased column names of the referenced tables. */
  readonly catalogColumns: ReadonlySet<string>;
}

export function factsOf(a: Analysis): ReaderFacts {
  const catalogColumns = new Set<string>();
  for (const key of a.inputs.keys()) catalogColumns.add(key.split('.')[2]!);
  for (const key of a.accounted) catalogColumns.add(key.split('.')[2]!);
  return { tables: a.tables, referenced: a.referenced, starUsed: a.starUsed, names: a.names, catalogColumns };
}

function recursive(ast: unknown): boolean {
  const w = (ast as { with?: { recursive?: boolean }[] | null }).with;
  return Array.isArray(w) && w.some((x) => x.recursive === true);
}

/**
 * The second reader's verdict on the caller's text (attacker-controlled): 'agree' when it parses and sees
 * what DuckDB saw; 'recursive' when it sees WITH RECURSIVE (which DuckDB drops from a CTE that does not
 * recurse, so only this reader can tell); 'disagree' otherwise.
 */
export function secondRead(sql: string, facts: ReaderFacts): 'agree' | 'disagree' | 'recursive' {
  let tableList: string[];
  let columnList: string[];
  try {
    const r = parser.parse(sql, { database: 'PostgreSQL' });
    const asts = Array.isArray(r.ast) ? r.ast : [r.ast];
    if (asts.some(recursive)) return 'recursive';
    if (asts.length !== 1 || (asts[0] as { type?: string }).type !== 'select') return 'disagree';
    tableList = r.tableList;
    columnList = r.columnList;
  } catch {
    return 'disagree';
  }
  return sameReferences(tableList, columnList, facts) ? 'agree' : 'disagree';
}

function sameReferences(tableList: readonly string[], columnList: readonly string[], facts: ReaderFacts): boolean {
  // Tables: the same catalog tables; schema-less names must be CTEs DuckDB also saw.
  const tables = new Set<string>();
  for (const t of tableList) {
    const [op, schema, table] = t.split('::');
    if (op !== 'select' || !table) return false;
    if (schema === 'null') {
      if (!facts.names.has(table.toLowerCase())) return false;
    } else tables.add(`${schema}.${table}`.toLowerCase());
  }
  if (tables.size !== facts.tables.size || [...tables].some((t) => !facts.tables.has(t))) return false;

  // Columns: every name the second reader sees must be a referenced catalog column or a known alias, and
  // every catalog column DuckDB resolved must be seen by the second reader too.
  const tableNames = new Map([...facts.tables].map((t) => [t.split('.')[1]!, t]));
  const seen = new Set<string>();
  for (const c of columnList) {
    const [op, qual, name] = c.split('::');
    if (op !== 'select' || name === undefined) return false;
    const n = name.toLowerCase();
    if (n === '(.*)') {
      if (!facts.starUsed) return false;
      continue;
    }
    if (qual !== 'null') {
      const table = tableNames.get(qual!.toLowerCase());
      if (table) {
        if (!facts.referenced.has(`${table}.${n}`)) return false;
        seen.add(n);
        continue;
      }
    }
    if (facts.catalogColumns.has(n)) {
      if (![...facts.referenced].some((k) => k.endsWith(`.${n}`))) return false;
      seen.add(n);
      continue;
    }
    if (!facts.names.has(n) && !LITERAL_WORDS.has(n)) return false;
  }
  if (!facts.starUsed) for (const k of facts.referenced) if (!seen.has(k.split('.')[2]!)) return false;
  return true;
}
