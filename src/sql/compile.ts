// compileQuery: the whole compiler pipeline, parse → resolve/analyse → decide → rewrite → render →
// plan check, returning a Decision value. A bad query never throws: it is denied with a code and every
// violation found. Two DuckDB round trips per allowed query: parse, then render both trees and bind the
// rewritten one (a third only for string literals cast to a type other than a plain date or timestamp).
import type { Principal } from '../auth/principal.ts';
import { maxLevel, type Catalog, type Level } from '../catalog/schema.ts';
import type { Violation } from '../errors.ts';
import type { Decision, DenyCode } from '../policy/decision.ts';
import type { Policy } from '../policy/schema.ts';
import { rewriteQuery, UNIT_HELPER } from '../policy/rewrite.ts';
import { DP_READ_CAP, rewriteForDp, type DpRewrite } from '../dp/dp-rewrite.ts';
import { ruleFamily, ViolationList, type Rule } from '../policy/rules.ts';
import { Analyser, type Analysis, type ReleaseOutput } from './analyse.ts';
import type { CompiledQuery, InputColumn, Mode, OutputColumn, Protection, Transform, Usage } from './compiled.ts';
import type { SelectNode } from './ast.ts';
import type { PlanResult, SqlCompiler } from './compiler.ts';
import { emitDocument } from './emit.ts';
import { fingerprint, foldIdentifiers } from './fingerprint.ts';
import { parseSql } from './parse.ts';
import { checkPlan } from './plan-check.ts';
import { findRuntimeRisks } from './runtime-errors.ts';
import { countsRowsAsUnits } from './one-row-per-unit.ts';
import { rowBoundOf } from './unit-row-bounds.ts';
import { undecidedGroupsQuery } from './undecided-groups.ts';
import { allSources, levelOf, type Prov } from './provenance.ts';
import { factsOf, secondRead } from './second-reader.ts';

export { SqlCompiler } from './compiler.ts';

export interface CompileInput {
  readonly sql: string;
  readonly mode: Mode;
  /** dp datasets only: the caller's contribution bounds; the policy's when absent. */
  readonly dpBounds?: { readonly maxGroups?: number; readonly maxRows?: number };
}

const USAGE_ORDER: readonly Usage[] = ['output', 'filter', 'join', 'group', 'aggregate'];

function deny(code: DenyCode, violations: readonly Violation[], partial: Extract<Decision, { effect: 'deny' }>['partial'] = {}): Decision {
  const message = violations[0]?.message ?? 'the query was refused';
  return { effect: 'deny', code, message, violations, partial };
}

/** The code of the first-found family: structural problems before ambiguity before policy. */
function familyOf(v: ViolationList): DenyCode {
  const families = v.items.map((x) => ruleFamily(x.rule as Rule));
  for (const f of ['BAD_REQUEST', 'SQL_SYNTAX', 'SQL_UNSUPPORTED', 'SQL_AMBIGUOUS', 'POLICY_DENIED'] as const) {
    if (families.includes(f)) return f;
  }
  return 'POLICY_DENIED';
}

function inputsOf(a: Analysis): InputColumn[] {
  return [...a.inputs.values()]
    .map(({ base, usage }) => ({
      dataset: base.dataset.id, table: base.table.name, column: base.column.name, level: base.column.level,
      usage: USAGE_ORDER.filter((u) => usage.has(u)),
    }))
    .sort((x, y) => `${x.dataset}.${x.table}.${x.column}`.localeCompare(`${y.dataset}.${y.table}.${y.column}`));
}

const provLevel = (p: Prov): Level => maxLevel([p.floor, levelOf(p.raw), levelOf(p.gen), levelOf(p.agg)]);
const COUNTS = new Set(['count', 'count_star']);

function outputColumn(mode: Mode, o: ReleaseOutput, dp: boolean): OutputColumn {
  const p = o.prov;
  const derivedFrom = allSources(p).map((s) => ({ dataset: s.base.dataset.id, table: s.base.table.name, column: s.base.column.name }));
  // A per-unit count is generalized by its integer granularity (see lift in provenance.ts).
  const generalized = (p.gen.size > 0 || p.perUnit === 'generalized') && p.perUnit !== 'raw' && levelOf(p.raw) !== 'L3' && levelOf(p.raw) !== 'L4';
  let protection: Protection;
  let transform: Transform;
  if (o.protect) {
    protection = o.protect.method === 'pseudonym' ? { kind: 'pseudonym' } : { kind: 'masked', method: o.protect.column.column.mask! };
    transform = o.protect.method === 'pseudonym' ? 'pseudonymized' : 'masked';
  } else if (p.aggregated) {
    const fn = p.aggFn ?? 'expression';
    // Under dp, noise replaces rounding.
    protection = { kind: 'aggregate', fn, level: provLevel(p), rounded: !dp && p.aggFn !== null && COUNTS.has(p.aggFn) };
    transform = `aggregated(${fn})`;
  } else if (mode === 'aggregate') {
    protection = { kind: 'group_key', level: provLevel(p), generalized };
    transform = generalized ? 'generalized' : 'raw';
  } else {
    protection = generalized ? { kind: 'generalized', level: provLevel(p) } : { kind: 'raw', level: provLevel(p) };
    transform = generalized ? 'generalized' : 'raw';
  }
  const quasiIdentifier = mode === 'rows' && !o.protect && allSources(p).some((s) => s.base.column.kind === 'quasi_identifier');
  return { name: o.name, protection, derivedFrom, transform, quasiIdentifier };
}

/** Every aggregate function name the allowlist knows, plus count(*). */
const aggregateNames = (policy: Policy): ReadonlySet<string> => {
  const a = policy.functions.aggregates;
  return new Set(['count_star', ...a.ordinary, ...a.orderStatistics, ...a.member]);
};

/** The dp description at the policy's default ε (the query API sets the caller's ε and its δ share). */
function dpDescription(r: DpRewrite, profiles: Policy['profiles']): NonNullable<CompiledQuery['dp']> {
  const d = profiles.dp;
  return {
    maxGroups: r.maxGroups, maxRows: r.maxRows, grouped: r.grouped, tauFloor: d.k,
    epsilon: d.epsilonPerQuery, delta: (d.delta * d.epsilonPerQuery) / d.budget, aggregates: r.aggregates,
  };
}

export async function compileQuery(
  input: CompileInput,
  _principal: Principal,
  catalog: Catalog,
  policy: Policy,
  compiler: SqlCompiler,
): Promise<Decision> {
  const parsed = await parseSql(input.sql, compiler);
  if (!parsed.ok) return deny(familyOf(parsed.violations), parsed.violations.items);

  const analysis = new Analyser(catalog, policy, input.mode).analyse(parsed.query);
  const v = analysis.violations;
  const personal = [...analysis.tables].some((t) => catalog.table(...(t.split('.') as [string, string]))?.table.privacyUnit !== null);
  const helper = input.mode === 'aggregate' && analysis.rootUnits.length > 0;
  if (input.mode === 'aggregate' && personal && !helper) v.add('UNIT_NOT_CARRIED');

  // Datasets under differential privacy get their own rewrite (contribution bounds, integer grid), or the
  // reasons their query has no stated sensitivity (src/dp/dp-rewrite.ts).
  const dp = [...analysis.datasets].some((d) => catalog.dataset(d)?.profile === 'dp');
  let dpRewrite: DpRewrite | null = null;
  if (dp && v.length === 0) {
    const bounds = {
      maxGroups: input.dpBounds?.maxGroups ?? policy.profiles.dp.maxGroups,
      maxRows: input.dpBounds?.maxRows ?? policy.profiles.dp.maxRows,
    };
    const r = rewriteForDp(analysis, catalog, bounds, input.mode, aggregateNames(policy));
    if (r.ok) dpRewrite = r.rewrite;
    else for (const x of r.violations) v.add(x.rule, x.at);
  }

  const rowsAreUnits = helper && countsRowsAsUnits(analysis.root, catalog, compiler.oneRowPerUnit);
  const rewrite = (unitCount: 'rows' | 'distinct', extra: { groupHash?: boolean; unordered?: boolean } = {}): SelectNode =>
    rewriteQuery(analysis, { mode: input.mode, rowCap: policy.profiles.rows.rowCap, helper, unitCount, ...extra });
  const rewritten = v.length === 0 ? (dpRewrite?.select ?? rewrite(rowsAreUnits ? 'rows' : 'distinct')) : null;
  // Where count(*) decides most groups of a threshold release (src/sql/unit-row-bounds.ts), the same
  // release counting rows, for the executor to try first; and, for a grouped release with key outputs, the
  // exact release of just the groups count(*) left undecided (src/sql/undecided-groups.ts).
  const decidedAbove = rewritten && helper && !dp && !rowsAreUnits
    ? rowBoundOf(analysis.root, analysis.rootUnits, catalog, compiler.unitRowBounds, policy.profiles.threshold.k)
    : undefined;
  const refinable = decidedAbove !== undefined && analysis.root.groupBy.length > 0 && analysis.outputs.some((o) => !o.prov.aggregated);
  const normalizedAst = foldIdentifiers(emitDocument(parsed.query));
  const rewrittenAst = rewritten ? emitDocument(rewritten) : null;
  const byRowsAst = decidedAbove !== undefined ? emitDocument(rewrite('rows', { groupHash: refinable })) : null;
  // An allowed query is rendered and bound in one round trip; a refused one (or a failed combined step) is
  // only rendered, so that its lineage record still carries the normalized SQL.
  const combined = rewrittenAst ? await compiler.renderAndPlan(normalizedAst, rewrittenAst, byRowsAst) : null;
  const [normalizedSql, sql] = combined
    ? [combined.normalizedSql, combined.sql]
    : await compiler.deserialize(rewrittenAst ? [normalizedAst, rewrittenAst] : [normalizedAst]);
  const datasets = [...analysis.datasets].sort();
  const inputs = inputsOf(analysis);
  const partial = {
    ...(normalizedSql ? { normalizedSql, fingerprint: fingerprint(input.mode, normalizedSql) } : {}),
    datasets,
    inputs,
  };

  const code = familyOf(v);
  if (code !== 'POLICY_DENIED' && v.length > 0) return deny(code, v.items, partial);
  const reading = secondRead(input.sql, factsOf(analysis));
  if (reading === 'recursive') {
    v.add('RECURSIVE_CTE');
    return deny('SQL_UNSUPPORTED', [v.items[v.length - 1]!, ...v.items.slice(0, -1)], partial);
  }
  if (reading === 'disagree') {
    v.add('PARSER_DISAGREEMENT');
    return deny('SQL_AMBIGUOUS', [v.items[v.length - 1]!, ...v.items.slice(0, -1)], partial);
  }
  if (v.length > 0) return deny('POLICY_DENIED', v.items, partial);
  if (!normalizedSql || !sql) {
    v.add('NOT_BINDABLE');
    return deny('SQL_UNSUPPORTED', v.items, partial);
  }

  const plan = combined?.plan ?? (await compiler.plan(sql));
  if (!plan.ok) {
    v.add('NOT_BINDABLE');
    return deny('SQL_UNSUPPORTED', v.items, partial);
  }
  if (!checkPlan(plan.plan, analysis.accounted).ok) {
    v.add('PLAN_COLUMN_UNACCOUNTED');
    return deny('POLICY_DENIED', v.items, partial);
  }
  // An expression that may raise at run time would answer 500 and say something about the rows it met.
  const runtime = findRuntimeRisks(plan.plan);
  for (const r of runtime.risks) v.add(r);
  if (v.length === 0 && !(await compiler.castsConvert(runtime.constantCasts))) v.add('TYPE_MISMATCH');
  if (v.length > 0) return deny('SQL_UNSUPPORTED', v.items, partial);

  const profiles = policy.profiles;
  // Under dp the gate thresholds on a noisy unit count (τ ≥ dp.k) instead of an exact k.
  const threshold = helper && !dp ? { k: profiles.threshold.k, rounding: profiles.threshold.rounding } : null;
  const outputs = analysis.outputs.map((o) => outputColumn(input.mode, o, dp));
  const kAnonymity = input.mode === 'rows' && personal
    ? { k: profiles.rows.kAnonymity, quasiIdentifiers: outputs.filter((o) => o.quasiIdentifier).map((o) => o.name) }
    : null;
  // The shortcut must pass the same plan checks as the query it stands in for, or it is not offered.
  const passes = (p: PlanResult | undefined): boolean =>
    p?.ok === true && checkPlan(p.plan, analysis.accounted).ok && findRuntimeRisks(p.plan).risks.size === 0;
  const byRows = decidedAbove !== undefined && combined?.byRows && passes(combined.byRows.plan) ? combined.byRows : null;
  const undecided = refinable && byRows
    ? await undecidedGroupsQuery(compiler, emitDocument(rewrite('distinct', { groupHash: true, unordered: true })), passes)
    : null;
  const unitCountByRows = decidedAbove !== undefined && byRows && refinable === (undecided !== null)
    ? { sql: byRows.sql, decidedAbove, ...(undecided ? { undecided } : {}) }
    : undefined;
  const compiled: CompiledQuery = {
    version: 1,
    mode: input.mode,
    sql,
    normalizedSql,
    fingerprint: fingerprint(input.mode, normalizedSql),
    profile: dp ? 'dp' : 'threshold',
    outputs,
    helpers: helper ? [{ name: UNIT_HELPER, role: 'unit_count' }, ...(dpRewrite?.rowCountHelpers ?? [])] : [],
    threshold,
    kAnonymity,
    rowCap: dpRewrite ? DP_READ_CAP : profiles.rows.rowCap,
    datasets,
    inputs,
    ...(dpRewrite ? { dp: dpDescription(dpRewrite, profiles) } : {}),
    ...(unitCountByRows ? { unitCountByRows } : {}),
  };
  return { effect: 'allow', compiled };
}
