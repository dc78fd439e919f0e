// A query scope: the sources of one SELECT's FROM clause (catalog tables, derived tables, CTE references),
// their columns with provenance, and name resolution (case-insensitive, sqlglot style: qualify first).
import type { ColumnNode, Expr } from './ast.ts';
import type { Prov } from './provenance.ts';

export interface SourceColumnEntry {
  readonly name: string;
  readonly prov: Prov;
}

export interface Source {
  /** Lower-cased name the source is referred to by (alias, else table or CTE name). '' when unnamed. */
  readonly alias: string;
  readonly kind: 'table' | 'derived';
  /** Schema and table for catalog tables (lower case), for `schema.table.column` references. */
  readonly schema: string;
  readonly table: string;
  readonly columns: ReadonlyMap<string, SourceColumnEntry>;
  /** Column names in declaration order, for `*` expansion. */
  readonly order: readonly string[];
  /** Expressions (in this scope) that yield the privacy unit of each personal table instance below. */
  readonly units: readonly Expr[];
  /** `dataset.table` of every personal table instance reachable through this source's FROM trees. */
  readonly personalTables: readonly string[];
  /** Whether `*` may expand over this source (no L3/L4 column). */
  readonly starSafe: boolean;
}

export type Resolution =
  | { readonly ok: true; readonly prov: Prov; readonly sources: readonly Source[] }
  | { readonly ok: false; readonly rule: 'UNKNOWN_COLUMN' | 'WHOLE_ROW' };

export class Scope {
  constructor(
    readonly sources: readonly Source[],
    /** Column names merged by JOIN ... USING: an unqualified reference may match several sources. */
    readonly usingColumns: ReadonlySet<string>,
  ) {}

  resolve(node: ColumnNode, union: (provs: Prov[]) => Prov): Resolution {
    const names = node.names.map((n) => n.toLowerCase());
    if (names.length === 1) {
      const name = names[0]!;
      const hits = this.sources.filter((s) => s.columns.has(name));
      if (hits.length === 1 || (hits.length > 1 && this.usingColumns.has(name))) {
        const provs = hits.map((s) => s.columns.get(name)!.prov);
        return { ok: true, prov: provs.length === 1 ? provs[0]! : union(provs), sources: hits };
      }
      if (hits.length === 0 && this.sources.some((s) => s.alias === name)) return { ok: false, rule: 'WHOLE_ROW' };
      return { ok: false, rule: 'UNKNOWN_COLUMN' };
    }
    if (names.length === 2) {
      const [q, name] = names as [string, string];
      const src = this.sources.filter((s) => s.alias === q);
      if (src.length === 1 && src[0]!.columns.has(name)) return { ok: true, prov: src[0]!.columns.get(name)!.prov, sources: src };
      return { ok: false, rule: 'UNKNOWN_COLUMN' };
    }
    if (names.length === 3) {
      const [schema, table, name] = names as [string, string, string];
      const src = this.sources.filter((s) => s.kind === 'table' && s.schema === schema && s.table === table && s.alias === table);
      if (src.length === 1 && src[0]!.columns.has(name)) return { ok: true, prov: src[0]!.columns.get(name)!.prov, sources: src };
    }
    return { ok: false, rule: 'UNKNOWN_COLUMN' };
  }
}
