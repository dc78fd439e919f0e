// Emits the project's nodes back into DuckDB's json_serialize_sql shape, for rendering with
// json_deserialize_sql. Only what the nodes hold is emitted: a construct the converter did not take in
// cannot reappear in what executes. Positions are dropped (they only matter for the caller's text).
import type { Expr, FromNode, OrderItem, SelectNode } from './ast.ts';
import type { Json, JsonObject } from './duckdb-json.ts';

const base = (cls: string, type: string, alias: string): JsonObject => ({ class: cls, type, alias, query_location: 0 });
const noOrders = (): JsonObject => ({ type: 'ORDER_MODIFIER', orders: [] });
const emitOrder = (o: OrderItem): JsonObject => ({ type: o.direction, null_order: o.nulls, expression: emitExpr(o.expr) });

type Emitters = { [K in Expr['kind']]: (e: Extract<Expr, { kind: K }>) => JsonObject };

const EMIT: Emitters = {
  column: (e) => ({ ...base('COLUMN_REF', 'COLUMN_REF', e.alias), column_names: [...e.names] }),
  constant: (e) => ({ ...base('CONSTANT', 'VALUE_CONSTANT', e.alias), value: e.value as unknown as Json }),
  function: (e) => ({
    ...base('FUNCTION', 'FUNCTION', e.alias),
    function_name: e.name,
    schema: e.schema,
    children: e.args.map(emitExpr),
    filter: e.filter ? emitExpr(e.filter) : null,
    order_bys: e.orderBy.length > 0 ? { type: 'ORDER_MODIFIER', orders: e.orderBy.map(emitOrder) } : noOrders(),
    distinct: e.distinct,
    is_operator: e.isOperator,
    export_state: false,
    catalog: '',
  }),
  cast: (e) => ({ ...base('CAST', 'OPERATOR_CAST', e.alias), child: emitExpr(e.arg), cast_type: e.target as unknown as Json, try_cast: e.tryCast }),
  comparison: (e) => ({ ...base('COMPARISON', e.op, e.alias), left: emitExpr(e.left), right: emitExpr(e.right) }),
  conjunction: (e) => ({ ...base('CONJUNCTION', e.op === 'AND' ? 'CONJUNCTION_AND' : 'CONJUNCTION_OR', e.alias), children: e.args.map(emitExpr) }),
  operator: (e) => ({ ...base('OPERATOR', e.op, e.alias), children: e.args.map(emitExpr) }),
  between: (e) => ({ ...base('BETWEEN', 'COMPARE_BETWEEN', e.alias), input: emitExpr(e.input), lower: emitExpr(e.lower), upper: emitExpr(e.upper) }),
  case: (e) => ({
    ...base('CASE', 'CASE_EXPR', e.alias),
    case_checks: e.checks.map((c) => ({ when_expr: emitExpr(c.when), then_expr: emitExpr(c.then) })),
    else_expr: emitExpr(e.otherwise),
  }),
  in_subquery: (e) => ({
    ...base('SUBQUERY', 'SUBQUERY', e.alias),
    subquery_type: 'ANY',
    subquery: emitStatement(e.query),
    child: emitExpr(e.left),
    comparison_type: 'COMPARE_EQUAL',
  }),
  // Only the dp rewrite makes these (row_number / dense_rank over the whole partition).
  window: (e) => ({
    ...base('WINDOW', e.name === 'row_number' ? 'WINDOW_ROW_NUMBER' : 'WINDOW_RANK_DENSE', e.alias),
    function_name: e.name,
    schema: '',
    catalog: '',
    children: [],
    partitions: e.partitions.map(emitExpr),
    orders: e.orderBy.map(emitOrder),
    start: 'UNBOUNDED_PRECEDING',
    end: 'CURRENT_ROW_RANGE',
    start_expr: null,
    end_expr: null,
    offset_expr: null,
    default_expr: null,
    ignore_nulls: false,
    filter_expr: null,
    exclude_clause: 'NO_OTHER',
    distinct: false,
    arg_orders: [],
  }),
  star: (e) => ({
    ...base('STAR', 'STAR', e.alias),
    relation_name: e.relation, exclude_list: [], replace_list: [], columns: false, expr: null, qualified_exclude_list: [], rename_list: [],
  }),
};

export function emitExpr(e: Expr): JsonObject {
  return (EMIT[e.kind] as (x: Expr) => JsonObject)(e);
}

function emitFrom(f: FromNode | null): JsonObject {
  const head = (type: string, alias: string): JsonObject => ({ type, alias, sample: null, query_location: 0 });
  if (f === null) return head('EMPTY', '');
  switch (f.kind) {
    case 'table':
      return { ...head('BASE_TABLE', f.alias), schema_name: f.schema, table_name: f.table, column_name_alias: [], catalog_name: '', at_clause: null };
    case 'derived':
      return { ...head('SUBQUERY', f.alias), subquery: emitStatement(f.query), column_name_alias: [...f.columnAliases] };
    case 'join':
      return {
        ...head('JOIN', ''),
        left: emitFrom(f.left),
        right: emitFrom(f.right),
        condition: f.on ? emitExpr(f.on) : null,
        join_type: f.type,
        ref_type: 'REGULAR',
        using_columns: [...f.using],
        delim_flipped: false,
        duplicate_eliminated_columns: [],
      };
  }
}


export function emitSelect(s: SelectNode): JsonObject {
  const modifiers: Json[] = [];
  if (s.distinct) modifiers.push({ type: 'DISTINCT_MODIFIER', distinct_on_targets: [] });
  if (s.orderBy.length > 0) modifiers.push({ type: 'ORDER_MODIFIER', orders: s.orderBy.map(emitOrder) });
  if (s.limit || s.offset) {
    modifiers.push({ type: 'LIMIT_MODIFIER', limit: s.limit ? emitExpr(s.limit) : null, offset: s.offset ? emitExpr(s.offset) : null });
  }
  return {
    type: 'SELECT_NODE',
    modifiers,
    cte_map: {
      map: s.ctes.map((c) => ({
        key: c.name,
        value: { aliases: [...c.columnAliases], query: emitStatement(c.query), materialized: 'CTE_MATERIALIZE_DEFAULT', key_targets: [] },
      })),
    },
    select_list: s.items.map(emitExpr),
    from_table: emitFrom(s.from),
    where_clause: s.where ? emitExpr(s.where) : null,
    group_expressions: s.groupBy.map(emitExpr),
    group_sets: s.groupBy.length > 0 ? [s.groupBy.map((_, i) => i)] : [],
    aggregate_handling: 'STANDARD_HANDLING',
    having: s.having ? emitExpr(s.having) : null,
    sample: null,
    qualify: null,
  };
}

function emitStatement(s: SelectNode): JsonObject {
  return { node: emitSelect(s), named_param_map: [] };
}

/** The whole json_serialize_sql document for one SELECT, as json_deserialize_sql expects it. */
export function emitDocument(s: SelectNode): JsonObject {
  return { error: false, statements: [emitStatement(s)] };
}
