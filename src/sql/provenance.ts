// Provenance of an expression: which catalog columns reach its value, and how — raw, through a
// generalizing function, or inside an aggregate — plus whether it is a bare column. Decisions and lineage
// are computed from this, never from names in the caller's text.
import { maxLevel, type Column, type Dataset, type Level, type Table } from '../catalog/schema.ts';

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
}

const EMPTY: SourceMap = new Map();

export const CONSTANT_PROV: Prov = { raw: EMPTY, gen: EMPTY, agg: EMPTY, floor: 'L1', aggregated: false, aggFn: null, bare: null };

export function columnProv(base: BaseColumn): Prov {
  const s: SourceColumn = { base, bounded: base.column.bounds !== undefined };
  return { ...CONSTANT_PROV, raw: new Map([[base.key, s]]), bare: s };
}

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
  };
}

/** A generalizing function: raw L1–L3 inputs become generalized; L4 stays raw (it is never generalized). */
export function generalize(args: readonly Prov[]): Prov {
  const c = combine(args);
  const raw = new Map<string, SourceColumn>();
  const gen = new Map(c.gen);
  for (const [k, s] of c.raw) (s.base.column.level === 'L4' ? raw : gen).set(k, s);
  return { ...c, raw, gen };
}

/** An aggregate call over its arguments. */
export function aggregate(fn: string, args: readonly Prov[]): Prov {
  const c = combine(args);
  return { ...CONSTANT_PROV, agg: union(c.raw, c.gen, c.agg), floor: c.floor, aggregated: true, aggFn: fn };
}

// A per-unit sum keeps the column's bounds: the outer aggregate clamps each unit's total to them, which
// bounds every unit's contribution (the threshold profile's contribution bound).
const BOUND_PRESERVING = new Set(['sum', 'avg', 'mean', 'min', 'max', 'median', 'quantile_cont', 'quantile']);
const COUNTS = new Set(['count', 'count_star']);

/**
 * How an output of a derived table (subquery or CTE) looks from the enclosing query. A per-unit count is
 * an L2 number; any other per-unit aggregate carries its inputs as raw sources (bounds kept only by
 * averages and order statistics), so the outer query must treat it like the columns it came from.
 */
export function lift(p: Prov): Prov {
  if (!p.aggregated) return p;
  const all = union(p.raw, p.gen, p.agg);
  if (p.aggFn !== null && COUNTS.has(p.aggFn)) return { ...CONSTANT_PROV, agg: all, floor: maxLevel(['L2', p.floor]) };
  const keep = p.aggFn !== null && BOUND_PRESERVING.has(p.aggFn);
  const raw = new Map<string, SourceColumn>();
  for (const [k, s] of all) raw.set(k, { base: s.base, bounded: keep && s.bounded });
  return { ...CONSTANT_PROV, raw, floor: p.floor, bare: raw.size === 1 && keep ? [...raw.values()][0]! : null };
}

export const levelOf = (m: SourceMap): Level => maxLevel([...m.values()].map((s) => s.base.column.level));
export const rawLevel = (p: Prov): Level => maxLevel([p.floor, levelOf(p.raw)]);
export const allSources = (p: Prov): SourceColumn[] => [...union(p.raw, p.gen, p.agg).values()];
