// Provenance of an expression: which catalog columns reach its value, and how — raw, through a
// generalizing function, or inside an aggregate — plus whether it is a bare column. Decisions and lineage
// are computed from this, never from names in the caller's text.
import { maxLevel, type Column, type Dataset, type Level, type Table } from '../catalog/schema.ts';
import { BUCKET_RESOLUTION, type Range } from './interval.ts';

export interface BaseColumn {
  /** `dataset.table.column`, lower case. */
  readonly key: string;
  readonly dataset: Dataset;
  readonly table: Table;
  readonly column: Column;
}

/** A source column as it reaches a value; `bounded` says the column's declared bounds still hold for it. */
export interface SourceColumn {
  readonly base: BaseColumn;
  readonly bounded: boolean;
}

export type SourceMap = ReadonlyMap<string, SourceColumn>;

/**
 * How a per-unit aggregate (one person's count or total, from a subquery grouped by the privacy unit)
 * reaches a value: such values describe one person each, so they are sensitive (L3) by themselves.
 */
export type PerUnitReach = 'none' | 'generalized' | 'raw';

export interface Prov {
  readonly raw: SourceMap;
  readonly gen: SourceMap;
  /** Columns consumed inside an aggregate: they shaped the value but do not reach it individually. */
  readonly agg: SourceMap;
  /** A level the value has whatever its sources (a per-person count is L2). */
  readonly floor: Level;
  /** The expression contains an aggregate call. */
  readonly aggregated: boolean;
  /** The expression is exactly one aggregate call: its name. */
  readonly aggFn: string | null;
  /** The expression is exactly one column (possibly through derived tables). */
  readonly bare: SourceColumn | null;
  readonly perUnit: PerUnitReach;
  /** The interval the value lies in once the compiler's clamps apply (declared bounds, per-unit bounds). */
  readonly range: Range | null;
  /** An ordinary aggregate over a bounded input: the clamped range of each input row (for DP sensitivity). */
  readonly contribution: Range | null;
}

const EMPTY: SourceMap = new Map();

export const CONSTANT_PROV: Prov = {
  raw: EMPTY, gen: EMPTY, agg: EMPTY, floor: 'L1', aggregated: false, aggFn: null, bare: null, perUnit: 'none', range: null, contribution: null,
};

export function columnProv(base: BaseColumn): Prov {
  const s: SourceColumn = { base, bounded: base.column.bounds !== undefined };
  const b = base.column.bounds;
  return { ...CONSTANT_PROV, raw: new Map([[base.key, s]]), bare: s, range: b ? [b[0], b[1]] : null };
}

const REACH_ORDER: readonly PerUnitReach[] = ['none', 'generalized', 'raw'];
const maxReach = (rs: readonly PerUnitReach[]): PerUnitReach => REACH_ORDER[Math.max(0, ...rs.map((r) => REACH_ORDER.indexOf(r)))]!;

/** Whether a value carries L3 content: an L3 column, raw or generalized, or a per-unit aggregate. */
export const carriesL3 = (p: Prov): boolean =>
  p.perUnit !== 'none' || [...p.raw.values(), ...p.gen.values()].some((s) => s.base.column.level === 'L3');

function union(...maps: SourceMap[]): Map<string, SourceColumn> {
  const out = new Map<string, SourceColumn>();
  for (const m of maps) for (const [k, v] of m) {
    const had = out.get(k);
    out.set(k, had && !had.bounded ? had : v);
  }
  return out;
}

/** A scalar function or operator: the result inherits every input's provenance. */
export function combine(args: readonly Prov[]): Prov {
  return {
    raw: union(...args.map((a) => a.raw)),
    gen: union(...args.map((a) => a.gen)),
    agg: union(...args.map((a) => a.agg)),
    floor: maxLevel(args.map((a) => a.floor)),
    aggregated: args.some((a) => a.aggregated),
    aggFn: null,
    bare: null,
    perUnit: maxReach(args.map((a) => a.perUnit)),
    range: null,
    contribution: null,
  };
}

/** A generalizing function: raw L1–L3 inputs become generalized; L4 stays raw (it is never generalized). */
export function generalize(args: readonly Prov[]): Prov {
  const c = combine(args);
  const raw = new Map<string, SourceColumn>();
  const gen = new Map(c.gen);
  for (const [k, s] of c.raw) (s.base.column.level === 'L4' ? raw : gen).set(k, s);
  return { ...c, raw, gen, perUnit: c.perUnit === 'raw' ? 'generalized' : c.perUnit };
}

/** An aggregate call over its arguments; `contribution` is the clamped per-row range of an ordinary one. */
export function aggregate(fn: string, args: readonly Prov[], contribution: Range | null = null): Prov {
  const c = combine(args);
  const floor = c.perUnit === 'none' ? c.floor : maxLevel(['L3', c.floor]);
  return { ...CONSTANT_PROV, agg: union(c.raw, c.gen, c.agg), floor, aggregated: true, aggFn: fn, contribution };
}

// A per-unit sum keeps the column's bounds: the outer aggregate clamps each unit's total to them, which
// bounds every unit's contribution (the threshold profile's contribution bound).
const BOUND_PRESERVING = new Set(['sum', 'avg', 'mean', 'min', 'max', 'median', 'quantile_cont', 'quantile']);
const COUNTS = new Set(['count', 'count_star']);

/** What lifting needs to know about the derived select an output comes from. */
export interface LiftContext {
  /** The select reads personal data (so, if it aggregates, it aggregates per privacy unit). */
  readonly perUnit: boolean;
  /** Policy: the range [0, bound] a per-unit count is clamped to where it is summed. */
  readonly countBound: number;
}

/**
 * How an output of a derived table (subquery or CTE) looks from the enclosing query. An aggregate per
 * privacy unit describes one person, so it is L3 whatever its inputs: a count is an integer in
 * [0, countBound] (as coarse as `bucket(n, 1)`, so generalized while countBound is within the bucket
 * resolution); any other aggregate is raw, carries its inputs as raw sources, and keeps the range its
 * inputs were clamped to (sums, averages and order statistics), which the outer sum clamps to again.
 * Aggregates of non-personal tables keep their inputs' levels (a count is an L2 number).
 */
export function lift(p: Prov, ctx: LiftContext): Prov {
  if (!p.aggregated) return p;
  const all = union(p.raw, p.gen, p.agg);
  const isCount = p.aggFn !== null && COUNTS.has(p.aggFn);
  if (isCount) {
    if (!ctx.perUnit) return { ...CONSTANT_PROV, agg: all, floor: maxLevel(['L2', p.floor]) };
    const perUnit: PerUnitReach = ctx.countBound <= BUCKET_RESOLUTION ? 'generalized' : 'raw';
    return { ...CONSTANT_PROV, agg: all, floor: maxLevel(['L3', p.floor]), perUnit, range: [0, ctx.countBound] };
  }
  const keep = p.aggFn !== null && BOUND_PRESERVING.has(p.aggFn);
  const raw = new Map<string, SourceColumn>();
  for (const [k, s] of all) raw.set(k, { base: s.base, bounded: keep && s.bounded });
  const bare = raw.size === 1 && keep ? [...raw.values()][0]! : null;
  if (!ctx.perUnit) return { ...CONSTANT_PROV, raw, floor: p.floor, bare, range: keep && bare?.bounded ? p.contribution : null };
  return { ...CONSTANT_PROV, raw, floor: maxLevel(['L3', p.floor]), bare, perUnit: 'raw', range: keep ? p.contribution : null };
}

export const levelOf = (m: SourceMap): Level => maxLevel([...m.values()].map((s) => s.base.column.level));
export const rawLevel = (p: Prov): Level => maxLevel([p.floor, levelOf(p.raw)]);
export const allSources = (p: Prov): SourceColumn[] => [...union(p.raw, p.gen, p.agg).values()];
