// Rewrites the checked tree into what executes: clamps the inputs of sums and averages over L3 values (each
// column to its range, a whole expression to the range derived for it; NULL kept NULL, src/sql/clamp.ts),
// carries privacy units out of derived tables, adds the hidden per-group count of distinct privacy units, puts
// the raw column in place of mask()/pseudonym() (the output gate applies them), names every output, and
// caps row releases. Returns new nodes; the checked tree is never mutated.
import type { ColumnNode, ConstantNode, Expr, FromNode, SelectNode } from '../sql/ast.ts';
import type { Analysis, Clamp } from '../sql/analyse.ts';
import { clampBetween } from '../sql/clamp.ts';
import type { Mode } from '../sql/compiled.ts';

export const UNIT_HELPER = '__dsbx_units';
/** The hidden hash of a group's key outputs, by which the executor asks for the exact unit count of some groups. */
export const GROUP_HELPER = '__dsbx_group';

const INT32_MAX = 2 ** 31 - 1;
const num = (n: number): ConstantNode => ({
  kind: 'constant', pos: 0, alias: '',
  value: {
    type: { id: Number.isInteger(n) ? (Math.abs(n) <= INT32_MAX ? 'INTEGER' : 'BIGINT') : 'DOUBLE', type_info: null },
    is_null: false,
    value: n,
  },
});
const call = (name: string, args: Expr[], distinct = false, alias = ''): Expr => ({
  kind: 'function', name, args, distinct, isOperator: false, schema: '', pos: 0, alias, filter: null, orderBy: [],
});

export interface RewriteOptions {
  readonly mode: Mode;
  readonly rowCap: number;
  /** Whether the release needs the unit-count helper (aggregate mode over personal tables). */
  readonly helper: boolean;
  /**
   * How the helper counts units: count(DISTINCT unit), or count(*) where every row of the release's one
   * table is a distinct unit (verified, src/sql/one-row-per-unit.ts) — the same number, much cheaper — or
   * where the executor checks each group's rows against a bound (src/sql/unit-row-bounds.ts).
   */
  readonly unitCount?: 'distinct' | 'rows';
  /**
   * Append `hash(<key outputs>) AS __dsbx_group` after the unit count: the identity of each group, by which
   * a refinement picks groups (sandbox/executor/unit-count-by-rows.ts). Key outputs are the outputs that
   * are not aggregates, so functions of the group keys: every row of a group hashes the same.
   */
  readonly groupHash?: boolean;
  /** Leave out ORDER BY, LIMIT and OFFSET (a refinement must see every group its filter selects). */
  readonly unordered?: boolean;
}

export function rewriteQuery(a: Analysis, opts: RewriteOptions): SelectNode {
  const clamp = (e: Expr, c: Clamp): Expr => {
    const bounded = clampBetween(e, num(c.range[0]), num(c.range[1]));
    const out: Expr = c.double ? { kind: 'cast', pos: 0, alias: '', arg: bounded, target: { id: 'DOUBLE', type_info: null }, tryCast: false } : bounded;
    return e.alias ? { ...out, alias: e.alias } : out;
  };
  const mapExpr = (e: Expr): Expr => {
    const c = a.clamps.get(e);
    const inner = mapInner(e);
    return c ? clamp(inner, c) : inner;
  };
  const mapInner = (e: Expr): Expr => {
    switch (e.kind) {
      case 'column':
      case 'constant':
      case 'star':
      case 'window': // made only by the dp rewrite, never by a caller
        return e;
      case 'function':
        return {
          ...e, args: e.args.map(mapExpr), filter: e.filter ? mapExpr(e.filter) : null,
          orderBy: e.orderBy.map((o) => ({ ...o, expr: mapExpr(o.expr) })),
        };
      case 'conjunction':
      case 'operator':
        return { ...e, args: e.args.map(mapExpr) };
      case 'cast':
        return { ...e, arg: mapExpr(e.arg) };
      case 'comparison':
        return { ...e, left: mapExpr(e.left), right: mapExpr(e.right) };
      case 'between':
        return { ...e, input: mapExpr(e.input), lower: mapExpr(e.lower), upper: mapExpr(e.upper) };
      case 'case':
        return { ...e, checks: e.checks.map((c) => ({ when: mapExpr(c.when), then: mapExpr(c.then) })), otherwise: mapExpr(e.otherwise) };
      case 'in_subquery':
        return { ...e, left: mapExpr(e.left), query: mapSelect(e.query) };
    }
  };

  const mapFrom = (f: FromNode | null): FromNode | null => {
    if (f === null || f.kind === 'table') return f;
    if (f.kind === 'derived') return { ...f, query: mapSelect(f.query) };
    return { ...f, left: mapFrom(f.left)!, right: mapFrom(f.right)!, on: f.on ? mapExpr(f.on) : null };
  };

  function mapSelect(s: SelectNode): SelectNode {
    const extra = opts.helper ? (a.unitItems.get(s) ?? []) : [];
    return {
      ...s,
      ctes: s.ctes.map((c) => ({ ...c, query: mapSelect(c.query) })),
      items: [...s.items.map(mapExpr), ...extra],
      from: mapFrom(s.from),
      where: s.where ? mapExpr(s.where) : null,
      groupBy: s.groupBy.map(mapExpr),
      having: s.having ? mapExpr(s.having) : null,
      orderBy: s.orderBy.map((o) => ({ ...o, expr: mapExpr(o.expr) })),
    };
  }

  const mapped = mapSelect(a.root);
  const items: Expr[] = a.outputs.map((o) => {
    const e = o.protect ? (o.protect.arg as ColumnNode) : mapExpr(o.expr);
    return { ...e, alias: o.name };
  });
  if (opts.helper && a.rootUnits.length > 0) {
    const counts = opts.unitCount === 'rows'
      ? [call('count_star', [])]
      : a.rootUnits.map((u) => call('count', [u], true));
    items.push(counts.length === 1 ? { ...counts[0]!, alias: UNIT_HELPER } : call('least', counts, false, UNIT_HELPER));
  }
  if (opts.groupHash) {
    const keys = a.outputs.filter((o) => !o.prov.aggregated).map((o) => ({ ...mapExpr(o.expr), alias: '' }));
    if (keys.length > 0) items.push(call('hash', keys, false, GROUP_HELPER));
  }
  if (opts.unordered) return { ...mapped, items, orderBy: [], limit: null, offset: null };
  let limit = mapped.limit;
  if (opts.mode === 'rows') {
    const cap = opts.rowCap + 1;
    const current = limit?.kind === 'constant' && typeof limit.value.value === 'number' ? limit.value.value : Infinity;
    limit = num(Math.min(current, cap));
  }
  return { ...mapped, items, limit };
}
