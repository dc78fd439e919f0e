// Exact sampling from the discrete Laplace distribution (two-sided geometric), pmf ∝ exp(−|x|/b) on the
// integers, after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (2020),
// Algorithms 1 and 2. Only integer arithmetic on BigInt and uniform integers from a RandomSource: no
// floating point touches the noise, so its low-order bits cannot leak the true value (Mironov 2012).
// The scale b is a rational num/den. The distribution's moments and tails (for explain and τ) are the
// only floating-point computations here, and they never reach a released value.
import type { RandomSource } from './random-source.ts';

/** A positive rational scale b = num / den. */
export interface RationalScale {
  readonly num: bigint;
  readonly den: bigint;
}

/** Bernoulli(n/d), 0 ≤ n ≤ d. */
function bernoulli(rng: RandomSource, n: bigint, d: bigint): boolean {
  return rng.below(d) < n;
}

/** Bernoulli(exp(−n/d)) for n ≥ 0, d ≥ 1 (CKS Algorithm 1). */
export function bernoulliExp(rng: RandomSource, n: bigint, d: bigint): boolean {
  if (n < 0n || d <= 0n) throw new RangeError('bernoulliExp: need n ≥ 0 and d ≥ 1');
  if (n <= d) {
    // Von Neumann's method for γ = n/d ∈ [0, 1]: the first K with a failed Bernoulli(γ/K) is odd w.p. e^−γ.
    let k = 1n;
    while (bernoulli(rng, n, d * k)) k++;
    return k % 2n === 1n;
  }
  // e^−γ = (e^−1)^⌊γ⌋ · e^−(γ−⌊γ⌋).
  for (let i = 0n; i < n / d; i++) if (!bernoulliExp(rng, 1n, 1n)) return false;
  return bernoulliExp(rng, n % d, d);
}

/** One draw from the discrete Laplace distribution of scale num/den (CKS Algorithm 2, with t = num, s = den). */
export function sampleDiscreteLaplace(rng: RandomSource, scale: RationalScale): bigint {
  const { num: t, den: s } = scale;
  if (t <= 0n || s <= 0n) throw new RangeError('sampleDiscreteLaplace: the scale must be positive');
  for (;;) {
    const u = rng.below(t);
    if (!bernoulliExp(rng, u, t)) continue;
    let v = 0n;
    while (bernoulliExp(rng, 1n, 1n)) v++;
    const y = (u + t * v) / s; // BigInt division floors for non-negative operands
    const negative = bernoulli(rng, 1n, 2n);
    if (negative && y === 0n) continue; // 0 would otherwise be drawn twice as often as it should
    return negative ? -y : y;
  }
}

const scaleValue = (scale: RationalScale): number => Number(scale.num) / Number(scale.den);

/** q = exp(−1/b): the ratio of successive probabilities. */
const ratio = (b: number): number => Math.exp(-1 / b);

/** P(X = x). */
export function discreteLaplacePmf(scale: RationalScale, x: number): number {
  const q = ratio(scaleValue(scale));
  return ((1 - q) / (1 + q)) * q ** Math.abs(x);
}

/** Var(X) = 2q / (1 − q)². */
export function discreteLaplaceVariance(scale: RationalScale): number {
  const q = ratio(scaleValue(scale));
  return (2 * q) / (1 - q) ** 2;
}

/** P(X ≥ m) for an integer m ≥ 1: q^m / (1 + q). */
export function discreteLaplaceUpperTail(scale: RationalScale, m: number): number {
  const q = ratio(scaleValue(scale));
  return q ** m / (1 + q);
}

/**
 * The smallest integer m ≥ 0 with P(|X| ≤ m) ≥ level: from P(|X| > m) = 2q^(m+1)/(1 + q),
 * m + 1 ≥ b · ln(2 / ((1 − level)(1 + q))).
 */
export function discreteLaplaceHalfWidth(scale: RationalScale, level = 0.95): number {
  const b = scaleValue(scale);
  const q = ratio(b);
  const need = b * Math.log(2 / ((1 - level) * (1 + q)));
  return Math.max(0, Math.ceil(need * (1 + 1e-12)) - 1);
}
