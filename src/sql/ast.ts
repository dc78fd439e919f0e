// The project's own readonly SQL tree (kysely style: a `kind` discriminant per node). DuckDB's JSON AST is
// converted into these nodes once (convert.ts); every later step reads only these types.

/** A literal exactly as DuckDB serialized it ({type, is_null, value}); it carries no column reference. */
export interface ConstantValue {
  readonly type: { readonly id: string; readonly type_info: unknown };
  readonly is_null: boolean;
  readonly value?: unknown;
}

export type ComparisonOp =
  | 'COMPARE_EQUAL'
  | 'COMPARE_NOTEQUAL'
  | 'COMPARE_LESSTHAN'
  | 'COMPARE_GREATERTHAN'
  | 'COMPARE_LESSTHANOREQUALTO'
  | 'COMPARE_GREATERTHANOREQUALTO'
  | 'COMPARE_DISTINCT_FROM'
  | 'COMPARE_NOT_DISTINCT_FROM';

export type OperatorOp = 'OPERATOR_NOT' | 'OPERATOR_IS_NULL' | 'OPERATOR_IS_NOT_NULL' | 'COMPARE_IN' | 'COMPARE_NOT_IN' | 'OPERATOR_COALESCE';

interface Positioned {
  /** Byte offset in the caller's SQL, for violations. */
  readonly pos: number;
  /** The caller's alias (`AS name`), '' when none. */
  readonly alias: string;
}

export interface ColumnNode extends Positioned { readonly kind: 'column'; readonly names: readonly string[] }
export interface ConstantNode extends Positioned { readonly kind: 'constant'; readonly value: ConstantValue }
export interface FunctionNode extends Positioned {
  readonly kind: 'function';
  /** Lower-cased function or operator name ('+', '~~' for LIKE, 'count_star', ...). */
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly isOperator: boolean;
  /** DuckDB's `schema` slot: '' or 'main' ('main' is what EXTRACT and list literals produce). */
  readonly schema: '' | 'main';
  /** Aggregates only: `FILTER (WHERE ...)` and `ORDER BY` inside the call. */
  readonly filter: Expr | null;
  readonly orderBy: readonly OrderItem[];
}
export interface CastNode extends Positioned {
  readonly kind: 'cast';
  readonly arg: Expr;
  readonly target: ConstantValue['type'];
  readonly tryCast: boolean;
}
export interface ComparisonNode extends Positioned {
  readonly kind: 'comparison';
  readonly op: ComparisonOp;
  readonly left: Expr;
  readonly right: Expr;
}
export interface ConjunctionNode extends Positioned {
  readonly kind: 'conjunction';
  readonly op: 'AND' | 'OR';
  readonly args: readonly Expr[];
}
export interface OperatorNode extends Positioned { readonly kind: 'operator'; readonly op: OperatorOp; readonly args: readonly Expr[] }
export interface BetweenNode extends Positioned {
  readonly kind: 'between';
  readonly input: Expr;
  readonly lower: Expr;
  readonly upper: Expr;
}
export interface CaseNode extends Positioned {
  readonly kind: 'case';
  readonly checks: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr;
}
/** `x IN (SELECT ...)` — the only subquery expression the subset accepts. */
export interface InSubqueryNode extends Positioned { readonly kind: 'in_subquery'; readonly left: Expr; readonly query: SelectNode }
/**
 * A ranking window function. Never converted from a caller's SQL (the converter refuses windows): only the
 * compiler's own dp rewrite creates it, after the checks, for contribution bounding (src/dp/dp-rewrite.ts).
 */
export interface WindowNode extends Positioned {
  readonly kind: 'window';
  readonly name: 'row_number' | 'dense_rank';
  readonly partitions: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
}
/** `*` (plain, no EXCLUDE/REPLACE/COLUMNS), optionally qualified: expanded by the resolver or refused. */
export interface StarNode extends Positioned { readonly kind: 'star'; readonly relation: string }

export type Expr =
  | ColumnNode
  | ConstantNode
  | FunctionNode
  | CastNode
  | ComparisonNode
  | ConjunctionNode
  | OperatorNode
  | BetweenNode
  | CaseNode
  | InSubqueryNode
  | StarNode
  | WindowNode;

export type ExprKind = Expr['kind'];

export interface TableNode {
  readonly kind: 'table';
  readonly schema: string;
  readonly table: string;
  readonly alias: string;
  readonly pos: number;
}
export interface DerivedNode {
  readonly kind: 'derived';
  readonly query: SelectNode;
  readonly alias: string;
  readonly columnAliases: readonly string[];
  readonly pos: number;
}
export interface JoinNode {
  readonly kind: 'join';
  readonly type: 'INNER' | 'LEFT';
  readonly left: FromNode;
  readonly right: FromNode;
  readonly on: Expr | null;
  readonly using: readonly string[];
  readonly pos: number;
}
export type FromNode = TableNode | DerivedNode | JoinNode;

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'ORDER_DEFAULT' | 'ASCENDING' | 'DESCENDING';
  readonly nulls: 'ORDER_DEFAULT' | 'NULLS FIRST' | 'NULLS LAST';
}

export interface CteNode {
  readonly name: string;
  readonly query: SelectNode;
  readonly columnAliases: readonly string[];
}

export interface SelectNode {
  readonly kind: 'select';
  readonly ctes: readonly CteNode[];
  readonly distinct: boolean;
  readonly items: readonly Expr[];
  readonly from: FromNode | null;
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: Expr | null;
  readonly offset: Expr | null;
  readonly pos: number;
}

/** Visits every expression directly below `e` (not into subqueries). */
export function childExprs(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'column':
    case 'constant':
    case 'star':
      return [];
    case 'function':
      return [...e.args, ...(e.filter ? [e.filter] : []), ...e.orderBy.map((o) => o.expr)];
    case 'conjunction':
    case 'operator':
      return e.args;
    case 'cast':
      return [e.arg];
    case 'comparison':
      return [e.left, e.right];
    case 'between':
      return [e.input, e.lower, e.upper];
    case 'case':
      return [...e.checks.flatMap((c) => [c.when, c.then]), e.otherwise];
    case 'in_subquery':
      return [e.left];
    case 'window':
      return [...e.partitions, ...e.orderBy.map((o) => o.expr)];
  }
}
