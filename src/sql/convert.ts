// Converts DuckDB's json_serialize_sql AST into the project's own nodes (ast.ts), once. Dispatch is a
// Record over the node classes DuckDB emits; a class, type or non-default field it does not know is
// refused (UNKNOWN_NODE), and known-but-refused constructs get their own rule. All are collected.
import type {
  BetweenNode, CaseNode, ComparisonOp, CteNode, Expr, FromNode, OperatorOp, OrderItem, SelectNode,
} from './ast.ts';
import {
  NotUnderstood, asArray, asBoolean, asObject, asString, expectDefault, expectKeys, isObject, positionOf,
  type Json, type JsonObject,
} from './duckdb-json.ts';
import { ViolationList, type Rule } from '../policy/rules.ts';

const EXPR_BASE = ['class', 'type', 'alias', 'query_location'];
const COMPARISONS = new Set<string>([
  'COMPARE_EQUAL', 'COMPARE_NOTEQUAL', 'COMPARE_LESSTHAN', 'COMPARE_GREATERTHAN', 'COMPARE_LESSTHANOREQUALTO',
  'COMPARE_GREATERTHANOREQUALTO', 'COMPARE_DISTINCT_FROM', 'COMPARE_NOT_DISTINCT_FROM',
]);
const OPERATORS = new Set<string>(['OPERATOR_NOT', 'OPERATOR_IS_NULL', 'OPERATOR_IS_NOT_NULL', 'COMPARE_IN', 'COMPARE_NOT_IN', 'OPERATOR_COALESCE']);
const NULL_CONSTANT: Expr = { kind: 'constant', pos: 0, alias: '', value: { type: { id: 'NULL', type_info: null }, is_null: true } };
/** Simple scalar types a CAST may target; nested and user types are refused. */
const CAST_TYPES = new Set(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'VARCHAR', 'DATE', 'TIMESTAMP', 'TIME', 'INTERVAL']);

type ExprHandler = (o: JsonObject, c: Converter) => Expr;

/** One handler per DuckDB expression class; a class missing here is UNKNOWN_NODE. */
const EXPRESSIONS: Record<string, ExprHandler> = {
  COLUMN_REF(o) {
    expectKeys(o, [...EXPR_BASE, 'column_names']);
    const names = asArray(o['column_names']).map((n) => asString(n));
    return { kind: 'column', names, pos: positionOf(o), alias: asString(o['alias']) };
  },
  CONSTANT(o) {
    expectKeys(o, [...EXPR_BASE, 'value']);
    const v = asObject(o['value']);
    const t = asObject(v['type']);
    asString(t['id']);
    return { kind: 'constant', pos: positionOf(o), alias: asString(o['alias']), value: v as never };
  },
  FUNCTION(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'function_name', 'schema', 'children', 'filter', 'order_bys', 'distinct', 'is_operator', 'export_state', 'catalog'], pos);
    const schema = asString(o['schema']);
    const name = asString(o['function_name']).toLowerCase();
    if (asString(o['catalog']) !== '' || (schema !== '' && schema !== 'main')) return c.refuse('METHOD_CALL', pos);
    expectDefault(o, 'export_state', pos);
    const orders = asObject(o['order_bys'], pos);
    expectKeys(orders, ['type', 'orders'], pos);
    if (orders['type'] !== 'ORDER_MODIFIER') throw new NotUnderstood('UNKNOWN_NODE', pos);
    return {
      kind: 'function', name, pos, alias: asString(o['alias']), schema: schema as '' | 'main',
      filter: o['filter'] === null ? null : c.expr(o['filter']),
      orderBy: asArray(orders['orders'], pos).map((x) => c.orderItem(asObject(x, pos), pos)),
      args: asArray(o['children']).map((x) => c.expr(x)),
      distinct: asBoolean(o['distinct']), isOperator: asBoolean(o['is_operator']),
    };
  },
  CAST(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'child', 'cast_type', 'try_cast'], pos);
    const t = asObject(o['cast_type'], pos);
    expectKeys(t, ['id', 'type_info'], pos);
    const id = asString(t['id'], pos);
    if (!CAST_TYPES.has(id)) throw new NotUnderstood('UNKNOWN_NODE', pos);
    if (id !== 'DECIMAL' && t['type_info'] !== null) throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { kind: 'cast', pos, alias: asString(o['alias']), arg: c.expr(o['child']), target: t as never, tryCast: asBoolean(o['try_cast']) };
  },
  COMPARISON(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'left', 'right'], pos);
    const op = asString(o['type']);
    if (!COMPARISONS.has(op)) throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { kind: 'comparison', op: op as ComparisonOp, pos, alias: asString(o['alias']), left: c.expr(o['left']), right: c.expr(o['right']) };
  },
  CONJUNCTION(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'children'], pos);
    const t = asString(o['type']);
    if (t !== 'CONJUNCTION_AND' && t !== 'CONJUNCTION_OR') throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { kind: 'conjunction', op: t === 'CONJUNCTION_AND' ? 'AND' : 'OR', pos, alias: asString(o['alias']), args: asArray(o['children']).map((x) => c.expr(x)) };
  },
  OPERATOR(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'children'], pos);
    const t = asString(o['type']);
    if (!OPERATORS.has(t)) throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { kind: 'operator', op: t as OperatorOp, pos, alias: asString(o['alias']), args: asArray(o['children']).map((x) => c.expr(x)) };
  },
  BETWEEN(o, c): BetweenNode {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'input', 'lower', 'upper'], pos);
    return { kind: 'between', pos, alias: asString(o['alias']), input: c.expr(o['input']), lower: c.expr(o['lower']), upper: c.expr(o['upper']) };
  },
  CASE(o, c): CaseNode {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'case_checks', 'else_expr'], pos);
    const checks = asArray(o['case_checks']).map((x) => {
      const k = asObject(x, pos);
      expectKeys(k, ['when_expr', 'then_expr'], pos);
      return { when: c.expr(k['when_expr']), then: c.expr(k['then_expr']) };
    });
    return { kind: 'case', pos, alias: asString(o['alias']), checks, otherwise: c.expr(o['else_expr']) };
  },
  SUBQUERY(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'subquery_type', 'subquery', 'child', 'comparison_type'], pos);
    if (o['subquery_type'] !== 'ANY' || o['comparison_type'] !== 'COMPARE_EQUAL') return c.refuse('SCALAR_SUBQUERY', pos);
    return { kind: 'in_subquery', pos, alias: asString(o['alias']), left: c.expr(o['child']), query: c.statement(o['subquery'], pos) };
  },
  STAR(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...EXPR_BASE, 'relation_name', 'exclude_list', 'replace_list', 'columns', 'expr', 'qualified_exclude_list', 'rename_list'], pos);
    const set = (k: string): boolean => { const v = o[k]; return !(v === null || v === false || (Array.isArray(v) && v.length === 0)); };
    if (set('columns') || set('expr')) return c.refuse('COLUMNS_EXPR', pos);
    if (['exclude_list', 'replace_list', 'qualified_exclude_list', 'rename_list'].some(set)) {
      c.violations.add('STAR', { position: pos });
      return c.refuse('COLUMNS_EXPR', pos);
    }
    return { kind: 'star', pos, alias: asString(o['alias']), relation: asString(o['relation_name']) };
  },
  WINDOW: (o, c) => c.refuse('WINDOW_FUNCTION', positionOf(o)),
  LAMBDA: (o, c) => c.refuse('LAMBDA', positionOf(o)),
  POSITIONAL_REFERENCE: (o, c) => c.refuse('POSITIONAL_REF', positionOf(o)),
  PARAMETER: (o, c) => c.refuse('PARAMETER', positionOf(o)),
};

const FROM_BASE = ['type', 'alias', 'sample', 'query_location'];

type FromHandler = (o: JsonObject, c: Converter) => FromNode | null;

/** One handler per DuckDB table-reference type. */
const FROMS: Record<string, FromHandler> = {
  EMPTY(o) {
    expectKeys(o, FROM_BASE);
    return null;
  },
  BASE_TABLE(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...FROM_BASE, 'schema_name', 'table_name', 'column_name_alias', 'catalog_name', 'at_clause'], pos);
    if (o['sample'] !== null) c.violations.add('SAMPLE', { position: pos });
    expectDefault(o, 'at_clause', pos);
    expectDefault(o, 'column_name_alias', pos);
    if (asString(o['catalog_name']) !== '') c.violations.add('UNKNOWN_TABLE', { position: pos });
    return { kind: 'table', schema: asString(o['schema_name']), table: asString(o['table_name']), alias: asString(o['alias']), pos };
  },
  SUBQUERY(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...FROM_BASE, 'subquery', 'column_name_alias'], pos);
    if (o['sample'] !== null) c.violations.add('SAMPLE', { position: pos });
    return {
      kind: 'derived', pos, alias: asString(o['alias']), query: c.statement(o['subquery'], pos),
      columnAliases: asArray(o['column_name_alias']).map((x) => asString(x)),
    };
  },
  JOIN(o, c) {
    const pos = positionOf(o);
    expectKeys(o, [...FROM_BASE, 'left', 'right', 'condition', 'join_type', 'ref_type', 'using_columns', 'delim_flipped', 'duplicate_eliminated_columns'], pos);
    expectDefault(o, 'sample', pos);
    expectDefault(o, 'delim_flipped', pos);
    expectDefault(o, 'duplicate_eliminated_columns', pos);
    const left = c.from(o['left']);
    const right = c.from(o['right']);
    const ref = asString(o['ref_type']);
    const type = asString(o['join_type']);
    const using = asArray(o['using_columns']).map((x) => asString(x));
    const on = o['condition'] === null ? null : c.expr(o['condition']);
    if (ref === 'CROSS') c.violations.add('CROSS_JOIN', { position: pos });
    else if (ref !== 'REGULAR' || (type !== 'INNER' && type !== 'LEFT') || (on === null && using.length === 0)) {
      c.violations.add('JOIN_TYPE', { position: pos });
    }
    if (!left || !right) throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { kind: 'join', type: type === 'LEFT' ? 'LEFT' : 'INNER', left, right, on, using, pos };
  },
  TABLE_FUNCTION: (o, c) => c.refuseFrom('TABLE_FUNCTION', positionOf(o)),
  PIVOT: (o, c) => c.refuseFrom('PIVOT', positionOf(o)),
  SHOW_REF: (o, c) => c.refuseFrom('NOT_SELECT', positionOf(o)),
  EXPRESSION_LIST: (o, c) => c.refuseFrom('UNKNOWN_NODE', positionOf(o)),
};

const MAX_DEPTH = 200;

class Converter {
  readonly violations = new ViolationList();
  private depth = 0;

  refuse(rule: Rule, position: number): Expr {
    this.violations.add(rule, { position });
    return NULL_CONSTANT;
  }

  refuseFrom(rule: Rule, position: number): null {
    this.violations.add(rule, { position });
    return null;
  }

  private enter(pos?: number): void {
    if (++this.depth > MAX_DEPTH) throw new NotUnderstood('UNKNOWN_NODE', pos);
  }

  expr(v: Json | undefined): Expr {
    this.enter();
    try {
      const o = asObject(v);
      const handler = EXPRESSIONS[asString(o['class'])];
      if (!handler) return this.refuse('UNKNOWN_NODE', positionOf(o));
      return handler(o, this);
    } finally {
      this.depth--;
    }
  }

  from(v: Json | undefined): FromNode | null {
    this.enter();
    try {
      const o = asObject(v);
      const handler = FROMS[asString(o['type'])];
      if (!handler) return this.refuseFrom('UNKNOWN_NODE', positionOf(o));
      return handler(o, this);
    } finally {
      this.depth--;
    }
  }

  /** `{node, named_param_map}` as found in statements, CTEs and subqueries. */
  statement(v: Json | undefined, pos: number): SelectNode {
    const s = asObject(v, pos);
    expectKeys(s, ['node', 'named_param_map'], pos);
    if (asArray(s['named_param_map']).length > 0) this.violations.add('PARAMETER', { position: pos });
    return this.select(s['node'], pos);
  }

  select(v: Json | undefined, pos: number): SelectNode {
    this.enter(pos);
    try {
      return this.selectNode(asObject(v, pos), pos);
    } finally {
      this.depth--;
    }
  }

  private selectNode(o: JsonObject, pos: number): SelectNode {
    const type = asString(o['type'], pos);
    if (type === 'SET_OPERATION_NODE') return this.placeholderSelect('SET_OPERATION', pos);
    if (type === 'RECURSIVE_CTE_NODE') return this.placeholderSelect('RECURSIVE_CTE', pos);
    if (type !== 'SELECT_NODE') return this.placeholderSelect('UNKNOWN_NODE', pos);
    expectKeys(o, ['type', 'modifiers', 'cte_map', 'select_list', 'from_table', 'where_clause', 'group_expressions', 'group_sets', 'aggregate_handling', 'having', 'sample', 'qualify'], pos);
    if (o['sample'] !== null) this.violations.add('SAMPLE', { position: pos });
    if (o['qualify'] !== null) this.violations.add('QUALIFY', { position: pos });
    const handling = asString(o['aggregate_handling'], pos);
    if (handling === 'FORCE_AGGREGATES') this.violations.add('GROUP_BY_ALL', { position: pos });
    else if (handling !== 'STANDARD_HANDLING') this.violations.add('UNKNOWN_NODE', { position: pos });

    let distinct = false;
    let orderBy: OrderItem[] = [];
    let limit: Expr | null = null;
    let offset: Expr | null = null;
    for (const m of asArray(o['modifiers'], pos).map((x) => asObject(x, pos))) {
      const mt = asString(m['type'], pos);
      if (mt === 'DISTINCT_MODIFIER') {
        expectKeys(m, ['type', 'distinct_on_targets'], pos);
        expectDefault(m, 'distinct_on_targets', pos);
        distinct = true;
      } else if (mt === 'ORDER_MODIFIER') {
        expectKeys(m, ['type', 'orders'], pos);
        orderBy = asArray(m['orders'], pos).map((x) => this.orderItem(asObject(x, pos), pos));
      } else if (mt === 'LIMIT_MODIFIER') {
        expectKeys(m, ['type', 'limit', 'offset'], pos);
        limit = m['limit'] === null ? null : this.expr(m['limit']);
        offset = m['offset'] === null ? null : this.expr(m['offset']);
      } else {
        this.violations.add('UNKNOWN_NODE', { position: pos });
      }
    }

    const groupBy = asArray(o['group_expressions'], pos).map((x) => this.expr(x));
    const sets = asArray(o['group_sets'], pos);
    const plainGrouping =
      (groupBy.length === 0 && sets.length === 0) ||
      (sets.length === 1 && asArray(sets[0], pos).length === groupBy.length && asArray(sets[0], pos).every((n, i) => n === i));
    if (!plainGrouping) this.violations.add('GROUPING_SETS', { position: pos });

    return {
      kind: 'select', pos, distinct, orderBy, limit, offset, groupBy,
      ctes: this.ctes(asObject(o['cte_map'], pos), pos),
      items: asArray(o['select_list'], pos).map((x) => this.expr(x)),
      from: this.from(o['from_table']),
      where: o['where_clause'] === null ? null : this.expr(o['where_clause']),
      having: o['having'] === null ? null : this.expr(o['having']),
    };
  }

  orderItem(m: JsonObject, pos: number): OrderItem {
    expectKeys(m, ['type', 'null_order', 'expression'], pos);
    const direction = asString(m['type'], pos);
    const nulls = asString(m['null_order'], pos);
    if (!['ORDER_DEFAULT', 'ASCENDING', 'DESCENDING'].includes(direction)) throw new NotUnderstood('UNKNOWN_NODE', pos);
    if (!['ORDER_DEFAULT', 'NULLS FIRST', 'NULLS LAST'].includes(nulls)) throw new NotUnderstood('UNKNOWN_NODE', pos);
    return { expr: this.expr(m['expression']), direction: direction as OrderItem['direction'], nulls: nulls as OrderItem['nulls'] };
  }

  private ctes(map: JsonObject, pos: number): CteNode[] {
    expectKeys(map, ['map'], pos);
    return asArray(map['map'], pos).map((e) => {
      const entry = asObject(e, pos);
      expectKeys(entry, ['key', 'value'], pos);
      const value = asObject(entry['value'], pos);
      expectKeys(value, ['aliases', 'query', 'materialized', 'key_targets'], pos);
      expectDefault(value, 'key_targets', pos);
      if (value['materialized'] !== 'CTE_MATERIALIZE_DEFAULT') this.violations.add('UNKNOWN_NODE', { position: pos });
      return {
        name: asString(entry['key'], pos),
        columnAliases: asArray(value['aliases'], pos).map((x) => asString(x, pos)),
        query: this.statement(value['query'], pos),
      };
    });
  }

  private placeholderSelect(rule: Rule, pos: number): SelectNode {
    this.violations.add(rule, { position: pos });
    return { kind: 'select', pos, ctes: [], distinct: false, items: [], from: null, where: null, groupBy: [], having: null, orderBy: [], limit: null, offset: null };
  }
}

export type Conversion =
  | { readonly ok: true; readonly query: SelectNode }
  | { readonly ok: false; readonly violations: ViolationList };

/** Converts the single statement's `node` of a json_serialize_sql result. */
export function convertStatement(node: Json): Conversion {
  const c = new Converter();
  try {
    const query = c.select(node, 0);
    if (c.violations.length > 0) return { ok: false, violations: c.violations };
    return { ok: true, query };
  } catch (e) {
    if (!(e instanceof NotUnderstood)) throw e;
    c.violations.add(e.rule, e.position === undefined ? {} : { position: e.position });
    return { ok: false, violations: c.violations };
  }
}
