// Every rule code the compiler can refuse a query with, its error family, and a fixed message we wrote.
// Messages never carry caller text, data values or engine output; the column or function goes in its own field.
import type { Violation } from '../errors.ts';

const REQUEST = {
  SQL_TOO_LARGE: 'the SQL text exceeds 64 KiB',
  SQL_TOO_DEEP: 'the SQL nests too deeply',
  SQL_EMPTY: 'the SQL text is empty',
} as const;

const SYNTAX = {
  SYNTAX_ERROR: 'the SQL does not parse',
} as const;

const UNSUPPORTED = {
  NOT_SELECT: 'only a single SELECT statement is accepted',
  MULTIPLE_STATEMENTS: 'exactly one statement is accepted',
  UNKNOWN_NODE: 'this SQL construct is not part of the accepted subset',
  TABLE_FUNCTION: 'table functions are not accepted',
  NESTED_RESULT: 'aggregates that return a list, map or struct cannot be released; aggregate to scalar values',
  STRING_AS_TABLE: 'a string or file name cannot be used as a table',
  UNKNOWN_TABLE: 'not a catalog table',
  UNKNOWN_COLUMN: 'the column does not resolve to a catalog column',
  STAR: '* is accepted only over tables without L3/L4 columns',
  COLUMNS_EXPR: 'COLUMNS(), * EXCLUDE and * REPLACE are not accepted',
  WHOLE_ROW: 'whole-row references are not accepted',
  METHOD_CALL: 'method-call syntax (col.fn()) and qualified function names are not accepted',
  LAMBDA: 'lambda expressions are not accepted',
  POSITIONAL_REF: 'positional column references (#n) are not accepted',
  SET_OPERATION: 'UNION, INTERSECT and EXCEPT are not accepted',
  WINDOW_FUNCTION: 'window functions are not accepted',
  GROUPING_SETS: 'GROUPING SETS, ROLLUP and CUBE are not accepted',
  GROUP_BY_ALL: 'GROUP BY ALL is not accepted; list the group keys',
  RECURSIVE_CTE: 'recursive CTEs are not accepted',
  QUALIFY: 'QUALIFY is not accepted',
  PIVOT: 'PIVOT and UNPIVOT are not accepted',
  SAMPLE: 'sampling clauses are not accepted',
  CROSS_JOIN: 'cross joins (including comma joins and LATERAL) are not accepted',
  JOIN_TYPE: 'only INNER and LEFT joins with ON or USING are accepted',
  SUBQUERY_LIMIT: 'ORDER BY, LIMIT and OFFSET are accepted only on the outermost query',
  SCALAR_SUBQUERY: 'scalar and EXISTS subqueries are not accepted; use IN (SELECT ...) or a join',
  PARAMETER: 'prepared-statement parameters are not accepted',
  DISTINCT_ON: 'SELECT DISTINCT is not accepted; use GROUP BY',
  CORRELATED_SUBQUERY: 'subqueries may not refer to columns of the outer query',
  LIMIT_NOT_CONSTANT: 'LIMIT and OFFSET must be non-negative integer constants',
  NOT_BINDABLE: 'the query does not bind against the catalog schema (types, grouping or names)',
  TYPE_MISMATCH: 'a value is compared with or cast to a type it may not convert to; write literals of the column\'s type (DATE \'2024-01-01\', TIMESTAMP \'2024-01-01 08:00:00\', numbers unquoted)',
  RUNTIME_ERROR: 'an expression that may fail at run time depending on the data (logarithm or square root of a value out of its domain, make_date, integer arithmetic that may overflow) is not accepted',
} as const;

const DENIED = {
  L4_IN_OUTPUT: 'an L4 column cannot be released',
  L3_IN_OUTPUT: 'an L3 column can be released only generalized (or masked in row releases)',
  L3_UNGENERALIZED_GROUP: 'an L3 column can be a group key only through a generalizing function',
  L4_IN_GROUP: 'an L4 column can never be a group key',
  L4_IN_FILTER: 'an L4 column can be filtered only with IS [NOT] NULL or matched by equality on its semantic type',
  L3_FILTER_NOT_CONSTANT: 'an L3 column can be filtered only by comparison with constants',
  FUNCTION_NOT_ALLOWED: 'the function is not on the allowlist',
  ERROR_PRONE_FUNCTION: 'a function that can raise a data-dependent error cannot take L3/L4 inputs',
  MEMBER_AGGREGATE: 'aggregates that return a member value are accepted only on L1 columns',
  ORDER_STATISTIC: 'min, max, median and quantiles are accepted only on L1/L2 columns',
  AGGREGATE_NOT_ALLOWED: 'this aggregate is not accepted on this column',
  UNBOUNDED_SUM: 'sums and averages of L3 values need declared bounds on every L3 input',
  JOIN_NOT_EQUALITY: 'join conditions must be equalities between columns',
  JOIN_SEMANTIC_MISMATCH: 'matched columns must have the same semantic type',
  L4_JOIN_LEVEL: 'an L4 column can be matched only with another L4 column of the same semantic type',
  SELF_JOIN: 'a table holding personal data cannot be joined with itself',
  PRIVACY_UNIT_MISMATCH: 'all personal tables in one query must share the privacy unit type',
  MASK_NOT_ALLOWED: 'the column has no mask method',
  PSEUDONYM_NOT_ALLOWED: 'the column cannot be pseudonymized',
  MASK_POSITION: 'mask() and pseudonym() must be a whole output of a row release',
  NOT_AGGREGATED: 'in aggregate mode every output must be a group key or an aggregate',
  SUBQUERY_AGGREGATE: 'a subquery may aggregate only per privacy unit (GROUP BY the privacy unit)',
  ROWS_AGGREGATE: 'a row release cannot aggregate; use aggregate mode',
  UNIT_NOT_CARRIED: 'personal data may shape a release only when the release counts its privacy units',
  PLAN_COLUMN_UNACCOUNTED: 'the bound plan reads a column the analysis did not account for',
  DP_ROWS_MODE: 'a dataset under differential privacy releases aggregates only',
  DP_QUERY_SHAPE: 'under differential privacy a query reads one table, without subqueries, CTEs, joins, HAVING, DISTINCT, LIMIT or OFFSET',
  DP_AGGREGATE_NOT_SUPPORTED: 'under differential privacy only count, count(DISTINCT privacy unit), and sum or avg of a bounded column are released, each as a whole output',
} as const;

const AMBIGUOUS = {
  PARSER_DISAGREEMENT: 'the two SQL readers do not agree on the tables and columns this query references',
} as const;

const FAMILIES = {
  BAD_REQUEST: REQUEST,
  SQL_SYNTAX: SYNTAX,
  SQL_UNSUPPORTED: UNSUPPORTED,
  SQL_AMBIGUOUS: AMBIGUOUS,
  POLICY_DENIED: DENIED,
} as const;

export type RuleFamily = keyof typeof FAMILIES;
export type Rule = { [F in RuleFamily]: keyof (typeof FAMILIES)[F] }[RuleFamily];

const MESSAGES: Record<string, { family: RuleFamily; message: string }> = {};
for (const [family, rules] of Object.entries(FAMILIES) as [RuleFamily, Record<string, string>][]) {
  for (const [rule, message] of Object.entries(rules)) MESSAGES[rule] = { family, message };
}

/** The deny code a rule belongs to: a query's code is the family of its first violation. */
export const ruleFamily = (rule: Rule): RuleFamily => MESSAGES[rule]!.family;

export const ruleMessage = (rule: Rule): string => MESSAGES[rule]!.message;

/** Every rule code, for documentation and tests. */
export const ALL_RULES = Object.keys(MESSAGES) as Rule[];

export interface ViolationTarget {
  readonly column?: string;
  readonly function?: string;
  readonly position?: number;
}

/** Builds a violation; `column`/`function` are catalog or allowlist names, never free caller text. */
export function violation(rule: Rule, at: ViolationTarget = {}): Violation {
  return { rule, message: ruleMessage(rule), ...at };
}

/** Collects violations without duplicates (same rule, column, function and position). */
export class ViolationList {
  private readonly seen = new Set<string>();
  readonly items: Violation[] = [];

  add(rule: Rule, at: ViolationTarget = {}): void {
    const key = `${rule}|${at.column ?? ''}|${at.function ?? ''}|${at.position ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(violation(rule, at));
  }

  get length(): number {
    return this.items.length;
  }
}
