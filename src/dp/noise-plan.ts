// Calibrates a dp release's noise from its compiled description and its ε: splits ε equally across the
// noisy measurements (one per count or sum, two per average, one for the group threshold), derives each
// one's sensitivity from the contribution bounds and clamps, and gives the discrete Laplace scale, the 95%
// half-width and τ. Pure and deterministic: the query API (explain, lineage, response) and the output gate
// inside the sandbox (which draws the noise) compute the same plan from the same inputs.
import type { DpAggregate, DpQuery } from '../sql/compiled.ts';
import { discreteLaplaceHalfWidth, discreteLaplaceUpperTail, type RationalScale } from './discrete-laplace.ts';

export const MECHANISM = 'discrete_laplace';
/** ε is carried in millionths so that every scale is an exact rational (Δ · m · 10⁶ / ε·10⁶). */
export const EPSILON_RESOLUTION = 1_000_000;

export interface Measurement {
  /** Integer-unit sensitivity: how much one privacy unit can move this value (in 10^-decimals units). */
  readonly sensitivity: bigint;
  readonly epsilon: number;
  /** Discrete Laplace scale in integer units. */
  readonly scale: RationalScale;
  readonly decimals: number;
  /** 95% of the noise lies within ± this many integer units. */
  readonly halfWidthUnits: number;
}

export interface ColumnNoise {
  readonly output: string;
  readonly measure: DpAggregate['measure'];
  readonly bounds: DpAggregate['bounds'];
  /** count, count_units, sum: the value; avg: the sum and the row count behind it. */
  readonly value: Measurement | null;
  readonly sum: Measurement | null;
  readonly count: Measurement | null;
  readonly countHelper: string | null;
}

export interface NoisePlan {
  readonly mechanism: typeof MECHANISM;
  readonly epsilon: number;
  readonly delta: number;
  readonly maxGroups: number;
  readonly maxRows: number;
  /** How many noisy measurements share ε equally. */
  readonly parts: number;
  readonly columns: readonly ColumnNoise[];
  /** Grouped releases: a group is released only when its noisy unit count is at least tau. */
  readonly threshold: { readonly measurement: Measurement; readonly tau: number } | null;
}

export class NoisePlanError extends Error {}

/** ε in millionths; the request schema admits only ε with at most six decimals. */
export function epsilonMicros(epsilon: number): bigint {
  const micros = Math.round(epsilon * EPSILON_RESOLUTION);
  if (!(micros >= 1) || Math.abs(micros - epsilon * EPSILON_RESOLUTION) > 1e-6 * Math.max(1, epsilon)) {
    throw new NoisePlanError('epsilon must be positive with at most six decimals');
  }
  return BigInt(micros);
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

function measurement(sensitivity: bigint, parts: number, micros: bigint, decimals: number): Measurement {
  // b = Δ / (ε / m) = Δ · m · 10⁶ / (ε · 10⁶), kept exact.
  const num = sensitivity * BigInt(parts) * BigInt(EPSILON_RESOLUTION);
  const g = gcd(num, micros);
  const scale = { num: num / g, den: micros / g };
  return {
    sensitivity,
    epsilon: Number(micros) / EPSILON_RESOLUTION / parts,
    scale,
    decimals,
    halfWidthUnits: discreteLaplaceHalfWidth(scale),
  };
}

/**
 * τ: one person can create at most maxGroups groups that would not exist without them, each with a unit
 * count of 1; each must appear with probability at most δ / maxGroups: P(1 + Z ≥ τ) = q^(τ−1) / (1 + q).
 */
export function thresholdTau(scale: RationalScale, maxGroups: number, delta: number, floor: number): number {
  const b = Number(scale.num) / Number(scale.den);
  const q = Math.exp(-1 / b);
  let m = Math.max(1, Math.ceil(b * Math.log(maxGroups / (delta * (1 + q))) * (1 + 1e-12)));
  // Guard the floating-point solution with the tail itself.
  while (discreteLaplaceUpperTail(scale, m) > delta / maxGroups) m++;
  return Math.max(floor, 1 + m);
}

function boundUnits(bounds: readonly [number, number] | null, decimals: number): bigint {
  if (bounds === null) throw new NoisePlanError('a dp sum needs bounds');
  const [lo, hi] = bounds;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new NoisePlanError('dp bounds are not a range');
  // The rewrite rounds each clamped row to the unit grid, so one row moves a sum by at most ⌈max|b| · 10^d⌉.
  return BigInt(Math.ceil(Math.max(Math.abs(lo), Math.abs(hi)) * 10 ** decimals - 1e-9));
}

export function planNoise(dp: DpQuery): NoisePlan {
  const { maxGroups, maxRows } = dp;
  if (!Number.isSafeInteger(maxGroups) || maxGroups < 1 || !Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new NoisePlanError('contribution bounds must be positive integers');
  }
  if (!(dp.delta > 0 && dp.delta < 1)) throw new NoisePlanError('delta must be in (0, 1)');
  // A grouped release of keys alone is still noised (through τ); a global one would release nothing noisy.
  if (dp.aggregates.length === 0 && !dp.grouped) throw new NoisePlanError('a global dp release needs a noisy aggregate');
  const micros = epsilonMicros(dp.epsilon);
  const parts = dp.aggregates.reduce((n, a) => n + (a.measure === 'avg' ? 2 : 1), 0) + (dp.grouped ? 1 : 0);
  const rows = BigInt(maxGroups) * BigInt(maxRows);
  const columns = dp.aggregates.map((a): ColumnNoise => {
    if (!Number.isSafeInteger(a.decimals) || a.decimals < 0 || a.decimals > 6) throw new NoisePlanError('decimals out of range');
    const base = { output: a.output, measure: a.measure, bounds: a.bounds, countHelper: a.countHelper };
    switch (a.measure) {
      case 'count':
        return { ...base, value: measurement(rows, parts, micros, 0), sum: null, count: null };
      case 'count_units':
        return { ...base, value: measurement(BigInt(maxGroups), parts, micros, 0), sum: null, count: null };
      case 'sum':
        return { ...base, value: measurement(rows * boundUnits(a.bounds, a.decimals), parts, micros, a.decimals), sum: null, count: null };
      case 'avg':
        if (a.countHelper === null) throw new NoisePlanError('a dp average needs its row-count helper');
        return {
          ...base,
          value: null,
          sum: measurement(rows * boundUnits(a.bounds, a.decimals), parts, micros, a.decimals),
          count: measurement(rows, parts, micros, 0),
        };
    }
  });
  let threshold: NoisePlan['threshold'] = null;
  if (dp.grouped) {
    const m = measurement(BigInt(maxGroups), parts, micros, 0);
    threshold = { measurement: m, tau: thresholdTau(m.scale, maxGroups, dp.delta, dp.tauFloor) };
  }
  return { mechanism: MECHANISM, epsilon: Number(micros) / EPSILON_RESOLUTION, delta: dp.delta, maxGroups, maxRows, parts, columns, threshold };
}

/** A measurement's scale and 95% half-width in the value's own units (for people, not for sampling). */
export function describeMeasurement(m: Measurement): { scale: number; halfWidth95: number; epsilon: number; sensitivity: number } {
  const unit = 10 ** m.decimals;
  return {
    epsilon: m.epsilon,
    sensitivity: Number(m.sensitivity) / unit,
    scale: Number(m.scale.num) / Number(m.scale.den) / unit,
    halfWidth95: m.halfWidthUnits / unit,
  };
}
