// The compiler's rewrite for queries under the dp profile: checks that the query has the shape whose
// sensitivity we can state (one personal table, no subqueries, joins, HAVING or LIMIT; every output a group
// key or one of count, count(DISTINCT privacy unit), sum/avg of a bounded column) and rebuilds it with
// contribution bounding: each privacy unit keeps at most maxGroups groups and maxRows rows per group,
// chosen by a deterministic keyed hash order (the same query selects the same rows; random() would not),
// in a derived table that only the rewrite can write (callers' window functions are refused). Sums are
// clamped and put on an integer unit grid (cents for DECIMAL(·,2)) so that the gate adds integer noise.
import type { Catalog, Column, Table } from '../catalog/schema.ts';
import type { Analysis } from '../sql/analyse.ts';
import type { ColumnNode, ConstantNode, Expr, FunctionNode, SelectNode, WindowNode } from '../sql/ast.ts';
import { childExprs } from '../sql/ast.ts';
import { clampBetween } from '../sql/clamp.ts';
import type { DpAggregate, HelperColumn } from '../sql/compiled.ts';
import { safeFunctionName } from '../policy/functions.ts';
import { UNIT_HELPER } from '../policy/rewrite.ts';

export const DP_RULES = ['DP_ROWS_MODE', 'DP_QUERY_SHAPE', 'DP_AGGREGATE_NOT_SUPPORTED'] as const;
export type DpRule = (typeof DP_RULES)[number];

export interface DpViolation {
  readonly rule: DpRule;
  readonly at: { readonly position?: number; readonly function?: string; readonly column?: string };
}

export interface DpRewrite {
  readonly select: SelectNode;
  readonly aggregates: readonly DpAggregate[];
  /** Added after the unit-count helper: one row count per average. */
  readonly rowCountHelpers: readonly HelperColumn[];
  readonly grouped: boolean;
  readonly maxGroups: number;
  readonly maxRows: number;
}

/** Contribution bounds of one query: the policy's defaults, or the caller's choice (before seeing any data). */
export interface ContributionBounds {
  readonly maxGroups: number;
  readonly maxRows: number;
}

export type DpRewriteResult = { readonly ok: true; readonly rewrite: DpRewrite } | { readonly ok: false; readonly violations: readonly DpViolation[] };

/** The hash key of the bounding order: fixed, so that the same query always keeps the same rows. */
const BOUNDING_KEY = 'dsbx-dp-contribution-v1';
export const GROUP_RANK = '__dsbx_group_rank';
export const ROW_RANK = '__dsbx_row_rank';
export const rowCountHelper = (i: number): string => `__dsbx_rows_${i}`;
/**
 * How many groups the sandbox reads from a dp query before thresholding. Whether the engine had more groups
 * than it read is an exact statistic (one person can add a group), so the cap is set far above what a release
 * can hold after τ (at most people / τ groups survive) and is reached only by queries of more than this many
 * groups before thresholding; within it, truncation cannot depend on one person.
 */
export const DP_READ_CAP = 200_000;

const constant = (value: number | string): ConstantNode => ({
  kind: 'constant', pos: 0, alias: '',
  value: { type: { id: typeof value === 'string' ? 'VARCHAR' : 'BIGINT', type_info: null }, is_null: false, value },
});
const fn = (name: string, args: Expr[], opts: Partial<FunctionNode> = {}): FunctionNode => ({
  kind: 'function', name, args, distinct: false, isOperator: false, schema: '', pos: 0, alias: '', filter: null, orderBy: [], ...opts,
});
const op = (name: string, args: Expr[]): FunctionNode => fn(name, args, { isOperator: true });
const col = (alias: string, name: string): ColumnNode => ({ kind: 'column', names: [alias, name], pos: 0, alias: '' });
const asc = (expr: Expr) => ({ expr, direction: 'ORDER_DEFAULT' as const, nulls: 'ORDER_DEFAULT' as const });

/** Decimal places of the integer grid a column's sum is kept on: DECIMAL(p,s) → s, integers → 0, else 2. */
export function gridDecimals(type: string): number {
  const m = /^DECIMAL\(\s*\d+\s*,\s*(\d+)\s*\)$/i.exec(type.trim());
  if (m) return Math.min(6, Number(m[1]));
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i.test(type.trim())) return 0;
  return 2;
}

/** Every column reference in the tree, qualified ones normalized to `alias.column` (one table in scope). */
function requalify(e: Expr, alias: string): Expr {
  const map = (x: Expr): Expr => requalify(x, alias);
  switch (e.kind) {
    case 'column':
      return e.names.length > 1 ? { ...e, names: [alias, e.names[e.names.length - 1]!] } : e;
    case 'constant':
    case 'star':
    case 'in_subquery':
    case 'window':
      return e;
    case 'function':
      return { ...e, args: e.args.map(map), filter: e.filter ? map(e.filter) : null, orderBy: e.orderBy.map((o) => ({ ...o, expr: map(o.expr) })) };
    case 'conjunction':
    case 'operator':
      return { ...e, args: e.args.map(map) };
    case 'cast':
      return { ...e, arg: map(e.arg) };
    case 'comparison':
      return { ...e, left: map(e.left), right: map(e.right) };
    case 'between':
      return { ...e, input: map(e.input), lower: map(e.lower), upper: map(e.upper) };
    case 'case':
      return { ...e, checks: e.checks.map((c) => ({ when: map(c.when), then: map(c.then) })), otherwise: map(e.otherwise) };
  }
}

const hasSubquery = (e: Expr): boolean => e.kind === 'in_subquery' || childExprs(e).some(hasSubquery);
const hasAggregate = (e: Expr, aggregates: ReadonlySet<string>): boolean =>
  (e.kind === 'function' && aggregates.has(e.name)) || childExprs(e).some((c) => hasAggregate(c, aggregates));

export function rewriteForDp(
  analysis: Analysis,
  catalog: Catalog,
  bounds: ContributionBounds,
  mode: 'aggregate' | 'rows',
  aggregateNames: ReadonlySet<string>,
): DpRewriteResult {
  const violations: DpViolation[] = [];
  const root = analysis.root;
  if (mode !== 'aggregate') return { ok: false, violations: [{ rule: 'DP_ROWS_MODE', at: { position: root.pos } }] };
  const from = root.from;
  const shape = (position: number): void => { violations.push({ rule: 'DP_QUERY_SHAPE', at: { position } }); };
  if (root.ctes.length > 0 || root.having || root.limit || root.offset || root.distinct) shape(root.pos);
  const entry = from?.kind === 'table' ? catalog.table(from.schema, from.table) : undefined;
  if (!from || from.kind !== 'table' || !entry || entry.table.privacyUnit === null) {
    shape(from?.pos ?? root.pos);
    return { ok: false, violations };
  }
  for (const e of [...root.items, ...root.groupBy, ...(root.where ? [root.where] : [])]) if (hasSubquery(e)) shape(e.pos);

  const table: Table = entry.table;
  const alias = from.alias || from.table;
  const unit = table.privacyUnit!;
  const columnOf = (e: Expr): Column | undefined =>
    e.kind === 'column' && e.names.length <= 3 ? table.columns.find((c) => c.name === e.names[e.names.length - 1]!.toLowerCase()) : undefined;

  const aggregates: DpAggregate[] = [];
  const rowCountHelpers: HelperColumn[] = [];
  const extraItems: Expr[] = [];
  const items: Expr[] = analysis.outputs.map((o, i) => {
    const e = o.expr;
    if (!o.prov.aggregated) {
      if (hasAggregate(e, aggregateNames)) violations.push({ rule: 'DP_AGGREGATE_NOT_SUPPORTED', at: { position: e.pos } });
      return { ...requalify(e, alias), alias: o.name };
    }
    const refuse = (): Expr => {
      const name = e.kind === 'function' ? safeFunctionName(e.name) : undefined;
      violations.push({ rule: 'DP_AGGREGATE_NOT_SUPPORTED', at: { position: e.pos, ...(name ? { function: name } : {}) } });
      return e;
    };
    // Only a whole aggregate call is noised as a column: anything computed from aggregates is refused.
    if (e.kind !== 'function' || e.orderBy.length > 0) return refuse();
    const filter = e.filter ? requalify(e.filter, alias) : null;
    if (e.filter && hasSubquery(e.filter)) shape(e.filter.pos);
    if (e.name === 'count_star' && e.args.length === 0) {
      aggregates.push({ output: o.name, measure: 'count', bounds: null, decimals: 0, countHelper: null });
      return { ...fn('count_star', [], { filter }), alias: o.name };
    }
    const arg = e.args.length === 1 ? e.args[0]! : undefined;
    const column = arg ? columnOf(arg) : undefined;
    if (!arg || !column) return refuse();
    if (e.name === 'count' && e.distinct) {
      if (column.name !== unit) return refuse();
      aggregates.push({ output: o.name, measure: 'count_units', bounds: null, decimals: 0, countHelper: null });
      return { ...fn('count', [col(alias, column.name)], { distinct: true, filter }), alias: o.name };
    }
    if (e.distinct) return refuse();
    if (e.name === 'count') {
      aggregates.push({ output: o.name, measure: 'count', bounds: null, decimals: 0, countHelper: null });
      return { ...fn('count', [col(alias, column.name)], { filter }), alias: o.name };
    }
    if ((e.name === 'sum' || e.name === 'avg' || e.name === 'mean') && column.bounds) {
      const decimals = gridDecimals(column.type);
      const [lo, hi] = column.bounds;
      // NULL stays NULL (sum and the row count skip it): it moves the sum by 0, within the sensitivity's max |bound|.
      const clamped = clampBetween(col(alias, column.name), constant(lo), constant(hi));
      const grid: Expr = {
        kind: 'cast', pos: 0, alias: '', tryCast: false, target: { id: 'BIGINT', type_info: null },
        arg: fn('round', [op('*', [clamped, constant(10 ** decimals)])]),
      };
      const sum = { ...fn('sum', [grid], { filter }), alias: o.name };
      if (e.name === 'sum') {
        aggregates.push({ output: o.name, measure: 'sum', bounds: [lo, hi], decimals, countHelper: null });
        return sum;
      }
      const helper = rowCountHelper(i);
      rowCountHelpers.push({ name: helper, role: 'row_count' });
      extraItems.push({ ...fn('count', [col(alias, column.name)], { filter }), alias: helper });
      aggregates.push({ output: o.name, measure: 'avg', bounds: [lo, hi], decimals, countHelper: helper });
      return sum;
    }
    return refuse();
  });
  if (violations.length > 0) return { ok: false, violations };

  // Group keys as expressions over the table (GROUP BY 1 and GROUP BY alias name the select item).
  const groupKeys: Expr[] = root.groupBy.map((g) => {
    if (g.kind === 'constant' && g.value.type.id === 'INTEGER') {
      const item = analysis.outputs[Number(g.value.value) - 1];
      if (item) return { ...requalify(item.expr, alias), alias: '' };
    }
    if (g.kind === 'column' && g.names.length === 1 && !table.columns.some((c) => c.name === g.names[0]!.toLowerCase())) {
      const item = analysis.outputs.find((o) => o.name.toLowerCase() === g.names[0]!.toLowerCase());
      if (item) return { ...requalify(item.expr, alias), alias: '' };
    }
    return { ...requalify(g, alias), alias: '' };
  });
  const grouped = groupKeys.length > 0;

  // The derived table reads exactly the columns the analysis accounted for in this table.
  const prefix = `${entry.dataset.id}.${table.name}.`;
  const read = table.columns.filter((c) => analysis.accounted.has(prefix + c.name) || c.name === unit);
  const rowOrder = fn('hash', [...read.map((c) => col(alias, c.name)), constant(BOUNDING_KEY)]);
  const unitRef = col(alias, unit);
  const windows: Expr[] = [
    {
      kind: 'window', name: 'row_number', pos: 0, alias: ROW_RANK,
      partitions: [unitRef, ...groupKeys],
      orderBy: [asc(rowOrder), ...read.map((c) => asc(col(alias, c.name)))],
    } satisfies WindowNode,
  ];
  if (grouped) {
    windows.push({
      kind: 'window', name: 'dense_rank', pos: 0, alias: GROUP_RANK,
      partitions: [unitRef],
      // The unit is hashed too: with the group keys alone every person would prefer the same groups, and the
      // kept groups would be a systematic rather than an even choice.
      orderBy: [asc(fn('hash', [unitRef, ...groupKeys, constant(BOUNDING_KEY)])), ...groupKeys.map(asc)],
    } satisfies WindowNode);
  }
  const inner: SelectNode = {
    kind: 'select', ctes: [], distinct: false, pos: 0,
    items: [...read.map((c) => col(alias, c.name)), ...windows],
    from: { ...from },
    where: root.where ? requalify(root.where, alias) : null,
    groupBy: [], having: null, orderBy: [], limit: null, offset: null,
  };
  const bounded: Expr[] = [];
  bounded.push({ kind: 'comparison', op: 'COMPARE_LESSTHANOREQUALTO', pos: 0, alias: '', left: col(alias, ROW_RANK), right: constant(bounds.maxRows) });
  if (grouped) {
    bounded.push({ kind: 'comparison', op: 'COMPARE_LESSTHANOREQUALTO', pos: 0, alias: '', left: col(alias, GROUP_RANK), right: constant(bounds.maxGroups) });
  }
  const unitCount: Expr = { ...fn('count', [unitRef], { distinct: true }), alias: UNIT_HELPER };
  const select: SelectNode = {
    kind: 'select', ctes: [], distinct: false, pos: 0,
    items: [...items, unitCount, ...extraItems],
    from: { kind: 'derived', query: inner, alias, columnAliases: [], pos: 0 },
    where: bounded.length === 1 ? bounded[0]! : { kind: 'conjunction', op: 'AND', pos: 0, alias: '', args: bounded },
    groupBy: root.groupBy.map((g) => requalify(g, alias)),
    // ORDER BY is dropped: the gate orders a dp release by its released values.
    having: null, orderBy: [], limit: null, offset: null,
  };
  return { ok: true, rewrite: { select, aggregates, rowCountHelpers, grouped, ...bounds } };
}
