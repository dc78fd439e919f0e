// The grading rules as pure checks over provenance (DESIGN.md, Grading policy): group keys, outputs,
// aggregates, filters and join conditions. Each returns the violations it finds (empty when allowed).
import type { Expr } from '../sql/ast.ts';
import { childExprs } from '../sql/ast.ts';
import type { Mode } from '../sql/compiled.ts';
import { CONSTANT_PROV, allSources, type Prov, type SourceColumn } from '../sql/provenance.ts';
import type { Rule, ViolationTarget } from './rules.ts';

export type Checked = readonly { readonly rule: Rule; readonly at: ViolationTarget }[];
type ProvOf = (e: Expr) => Prov;

const at = (s: SourceColumn | undefined, position: number): ViolationTarget => (s ? { column: s.base.key, position } : { position });
const isL3 = (s: SourceColumn): boolean => s.base.column.level === 'L3';
const isL4 = (s: SourceColumn): boolean => s.base.column.level === 'L4';

/** An expression with no column, subquery or aggregate in it (literals, casts of literals, current_date). */
export function isConstant(e: Expr, provOf: ProvOf): boolean {
  if (e.kind === 'column') return provOf(e) === CONSTANT_PROV;
  if (e.kind === 'in_subquery' || e.kind === 'star') return false;
  if (e.kind === 'function' && ['count', 'count_star', 'sum', 'avg'].includes(e.name)) return false;
  return childExprs(e).every((c) => isConstant(c, provOf));
}

/** Released group keys: L1/L2 raw, L3 generalized or categorical, L4 never. */
export function checkGroupKey(p: Prov, position: number): Checked {
  const out: { rule: Rule; at: ViolationTarget }[] = [];
  const l4 = [...p.raw.values(), ...p.gen.values()].find(isL4);
  if (l4) out.push({ rule: 'L4_IN_GROUP', at: at(l4, position) });
  const l3 = [...p.raw.values()].find((s) => isL3(s) && !s.base.column.categorical);
  if (l3) out.push({ rule: 'L3_UNGENERALIZED_GROUP', at: at(l3, position) });
  else if (p.perUnit === 'raw') out.push({ rule: 'L3_UNGENERALIZED_GROUP', at: { position } });
  return out;
}

/** Released outputs outside aggregates. Row releases take L3 only generalized (categorical included). */
export function checkOutput(mode: Mode, p: Prov, position: number): Checked {
  const out: { rule: Rule; at: ViolationTarget }[] = [];
  const l4 = [...p.raw.values(), ...p.gen.values()].find(isL4);
  if (l4) out.push({ rule: 'L4_IN_OUTPUT', at: at(l4, position) });
  const l3 = [...p.raw.values()].find((s) => isL3(s) && (mode === 'rows' || !s.base.column.categorical));
  if (l3) out.push({ rule: 'L3_IN_OUTPUT', at: at(l3, position) });
  else if (p.perUnit === 'raw') out.push({ rule: 'L3_IN_OUTPUT', at: { position } });
  return out;
}

/** Aggregates by class and input level (the clamping of L3 sums is decided by the analyser). */
export function checkAggregate(
  e: Extract<Expr, { kind: 'function' }>,
  group: 'count' | 'ordinary' | 'orderStatistics' | 'member',
  args: readonly Prov[],
): Checked {
  const sources = args.flatMap((a) => allSources(a));
  const floor = args.some((a) => a.floor !== 'L1');
  const l4 = sources.find(isL4);
  const l3 = sources.find(isL3);
  // A per-unit aggregate (one person's count or total) is L3 whatever the columns it came from.
  const perUnit = args.some((a) => a.perUnit !== 'none');
  const fn = { function: e.name, position: e.pos };
  switch (group) {
    case 'count': {
      // L4: count(col) / count(DISTINCT col) of the bare column only; md5(id_card) etc. are refused.
      if (l4 && !(args.length === 1 && args[0]!.bare && !args[0]!.aggregated)) return [{ rule: 'AGGREGATE_NOT_ALLOWED', at: { ...fn, column: l4.base.key } }];
      return [];
    }
    case 'ordinary':
      if (l4) return [{ rule: 'AGGREGATE_NOT_ALLOWED', at: { ...fn, column: l4.base.key } }];
      if ((l3 || perUnit) && e.distinct) return [{ rule: 'AGGREGATE_NOT_ALLOWED', at: { ...fn, ...(l3 ? { column: l3.base.key } : {}) } }];
      return [];
    case 'orderStatistics': {
      const bad = l4 ?? l3;
      if (bad) return [{ rule: 'ORDER_STATISTIC', at: { ...fn, column: bad.base.key } }];
      return perUnit ? [{ rule: 'ORDER_STATISTIC', at: fn }] : [];
    }
    case 'member': {
      // The output gate releases scalar values only: a list/map result of L1 members would fail there
      // (INTERNAL), so it is refused here with a code the caller can act on.
      const bad = sources.find((s) => s.base.column.level !== 'L1');
      if (bad || floor) return [{ rule: 'MEMBER_AGGREGATE', at: { ...fn, ...(bad ? { column: bad.base.key } : {}) } }];
      return NESTED_RESULT_AGGREGATES.has(e.name) ? [{ rule: 'NESTED_RESULT', at: fn }] : [];
    }
  }
}

/** Member aggregates whose result is a LIST, MAP or STRUCT rather than a scalar. */
const NESTED_RESULT_AGGREGATES: ReadonlySet<string> = new Set(['list', 'array_agg', 'histogram', 'approx_top_k']);

/** The sensitive (L3/L4) columns whose values reach a predicate unaggregated. */
const sensitive = (p: Prov): SourceColumn[] => [...p.raw.values(), ...p.gen.values()].filter((s) => isL3(s) || isL4(s));

/** A per-unit value as a filter subject (`c.n > 3`): L3, compared with constants only. */
const PER_UNIT = 'per_unit' as const;

/** A filter subject: a bare column, or a generalizing call over one bare column with constant arguments. */
function subject(e: Expr, provOf: ProvOf): SourceColumn | typeof PER_UNIT | null {
  const p = provOf(e);
  if (e.kind === 'column') return p.bare ?? (p.perUnit !== 'none' && p.raw.size === 0 && p.gen.size === 0 ? PER_UNIT : null);
  if (e.kind === 'function' && p.gen.size === 1 && p.raw.size === 0 && !p.aggregated) {
    const cols = e.args.filter((a) => !isConstant(a, provOf));
    if (cols.length === 1 && cols[0]!.kind === 'column') return provOf(cols[0]!).bare;
  }
  return null;
}

const RANGE_OPS = new Set(['COMPARE_EQUAL', 'COMPARE_NOTEQUAL', 'COMPARE_LESSTHAN', 'COMPARE_GREATERTHAN', 'COMPARE_LESSTHANOREQUALTO', 'COMPARE_GREATERTHANOREQUALTO', 'COMPARE_DISTINCT_FROM', 'COMPARE_NOT_DISTINCT_FROM']);

/**
 * Two bare columns matched by equality must share a semantic type; L3/L4 may only be matched this way. An
 * L4 column matches only another L4 column: matched to a lower-level column of the same semantic (a
 * public legal_rep against residents' names) it would be filtered, and its rows released, through the
 * lower level's rules.
 */
function matchColumns(a: SourceColumn | null, b: SourceColumn | null, position: number): Checked | null {
  if (!a || !b) return null;
  // L3 values are matched only against constants; equality matching is for L1/L2 and L4 identifiers.
  const l3 = [a, b].find(isL3);
  if (l3) return [{ rule: 'L3_FILTER_NOT_CONSTANT', at: at(l3, position) }];
  if (a.base.column.semantic !== b.base.column.semantic) return [{ rule: 'JOIN_SEMANTIC_MISMATCH', at: at(a, position) }];
  if (isL4(a) !== isL4(b)) return [{ rule: 'L4_JOIN_LEVEL', at: at(isL4(a) ? a : b, position) }];
  return [];
}

/** JOIN ... USING: every pair of merged columns is matched as an ON equality would be. */
export function checkUsingColumns(columns: readonly Prov[], position: number): Checked {
  const bare = columns.map((p) => p.bare);
  const out: { rule: Rule; at: ViolationTarget }[] = [];
  for (let i = 1; i < bare.length; i++) {
    const m = matchColumns(bare[0] ?? null, bare[i] ?? null, position);
    out.push(...(m ?? [{ rule: 'JOIN_SEMANTIC_MISMATCH' as const, at: { position } }]));
  }
  return out;
}

function predicate(e: Expr, provOf: ProvOf): Checked {
  const p = provOf(e);
  const sens = sensitive(p);
  if (sens.length === 0 && p.perUnit === 'none') return [];
  const refuse = (): Checked => {
    const l4 = sens.find(isL4);
    return l4 ? [{ rule: 'L4_IN_FILTER', at: at(l4, e.pos) }] : [{ rule: 'L3_FILTER_NOT_CONSTANT', at: at(sens[0], e.pos) }];
  };
  const constantSubject = (subj: Expr, others: readonly Expr[]): Checked => {
    const s = subject(subj, provOf);
    if (!s || !others.every((o) => isConstant(o, provOf))) return refuse();
    return s !== PER_UNIT && isL4(s) ? [{ rule: 'L4_IN_FILTER', at: at(s, e.pos) }] : [];
  };
  switch (e.kind) {
    case 'column': // a bare BOOLEAN column as the predicate (WHERE paid)
      return p.bare && isL3(p.bare) && p.bare.base.column.type === 'BOOLEAN' ? [] : refuse();
    case 'operator':
      if (e.op === 'OPERATOR_IS_NULL' || e.op === 'OPERATOR_IS_NOT_NULL') {
        return e.args[0]?.kind === 'column' && subject(e.args[0], provOf) ? [] : refuse();
      }
      if (e.op === 'COMPARE_IN' || e.op === 'COMPARE_NOT_IN') return constantSubject(e.args[0]!, e.args.slice(1));
      return refuse();
    case 'between':
      return constantSubject(e.input, [e.lower, e.upper]);
    case 'comparison': {
      if (!RANGE_OPS.has(e.op)) return refuse();
      if (e.op === 'COMPARE_EQUAL' && e.left.kind === 'column' && e.right.kind === 'column') {
        return matchColumns(provOf(e.left).bare, provOf(e.right).bare, e.pos) ?? refuse();
      }
      if (isConstant(e.right, provOf)) return constantSubject(e.left, [e.right]);
      if (isConstant(e.left, provOf)) return constantSubject(e.right, [e.left]);
      return refuse();
    }
    case 'in_subquery': {
      const inner = e.query.items[0];
      if (e.left.kind !== 'column' || !inner) return refuse();
      return matchColumns(provOf(e.left).bare, provOf(inner).bare, e.pos) ?? refuse();
    }
    default:
      return refuse();
  }
}

/**
 * The WHEN conditions of CASE expressions inside an aggregate's arguments decide which rows count, exactly
 * as FILTER (WHERE ...) does, so they follow the filter rules (not subqueries: those are their own scope).
 */
export function checkCaseConditions(args: readonly Expr[], provOf: ProvOf): Checked {
  const out: { rule: Rule; at: ViolationTarget }[] = [];
  const visit = (x: Expr): void => {
    if (x.kind === 'case') for (const c of x.checks) out.push(...checkFilter(c.when, provOf));
    childExprs(x).forEach(visit);
  };
  args.forEach(visit);
  return out;
}

/** WHERE / HAVING: walks AND, OR and NOT down to predicates, and checks each. */
export function checkFilter(e: Expr, provOf: ProvOf): Checked {
  if (e.kind === 'conjunction') return e.args.flatMap((a) => checkFilter(a, provOf));
  if (e.kind === 'operator' && e.op === 'OPERATOR_NOT') return e.args.flatMap((a) => checkFilter(a, provOf));
  return predicate(e, provOf);
}

/**
 * ON: a conjunction with at least one equality between bare columns of the same semantic type; any other
 * conjunct is a filter and follows the filter rules.
 */
export function checkJoinCondition(e: Expr, provOf: ProvOf): Checked {
  const conjuncts: Expr[] = [];
  const flatten = (x: Expr): void => {
    if (x.kind === 'conjunction' && x.op === 'AND') x.args.forEach(flatten);
    else conjuncts.push(x);
  };
  flatten(e);
  const out: { rule: Rule; at: ViolationTarget }[] = [];
  let equalities = 0;
  for (const c of conjuncts) {
    if (c.kind === 'comparison' && c.op === 'COMPARE_EQUAL' && c.left.kind === 'column' && c.right.kind === 'column') {
      const m = matchColumns(provOf(c.left).bare, provOf(c.right).bare, c.pos);
      if (m) {
        equalities++;
        out.push(...m);
        continue;
      }
    }
    out.push(...checkFilter(c, provOf));
  }
  if (equalities === 0) out.push({ rule: 'JOIN_NOT_EQUALITY', at: { position: e.pos } });
  return out;
}
