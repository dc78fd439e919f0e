// Statistical tests of the exact discrete Laplace sampler against its exact distribution, with a fixed-seed
// RandomSource so that any failure replays. Significance: each chi-square test rejects a correct sampler
// with probability 0.001.
import { describe, expect, it } from 'vitest';
import {
  bernoulliExp, discreteLaplaceHalfWidth, discreteLaplacePmf, discreteLaplaceUpperTail, discreteLaplaceVariance,
  sampleDiscreteLaplace, type RationalScale,
} from './discrete-laplace.ts';
import { cryptoRandomSource } from './random-source.ts';
import { seededRandomSource } from './seeded-random-source.ts';

/** Upper 0.001 quantile of chi-square with df degrees of freedom (Wilson–Hilferty; z = 3.0902). */
const chiSquareCritical = (df: number): number => df * (1 - 2 / (9 * df) + 3.0902 * Math.sqrt(2 / (9 * df))) ** 3;

function chiSquare(samples: readonly number[], pmf: (x: number) => number): { stat: number; df: number } {
  const counts = new Map<number, number>();
  for (const s of samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const n = samples.length;
  // Bins from the centre outwards while each expects at least 5 draws; both tails pooled into one bin each.
  let k = 0;
  while (n * pmf(k + 1) >= 5) k++;
  let stat = 0;
  let bins = 0;
  let inner = 0;
  for (let x = -k; x <= k; x++) {
    const e = n * pmf(x);
    const o = counts.get(x) ?? 0;
    stat += (o - e) ** 2 / e;
    inner += pmf(x);
    bins++;
  }
  const tailP = (1 - inner) / 2;
  for (const side of [-1, 1]) {
    const o = samples.filter((s) => side * s > k).length;
    const e = n * tailP;
    stat += (o - e) ** 2 / e;
    bins++;
  }
  return { stat, df: bins - 1 };
}

const SCALES: { name: string; scale: RationalScale }[] = [
  { name: 'scale 1/2', scale: { num: 1n, den: 2n } },
  { name: 'scale 3/2', scale: { num: 3n, den: 2n } },
  { name: 'scale 10', scale: { num: 10n, den: 1n } },
  { name: 'scale 25.000001 (a micro-unit denominator, as the service uses)', scale: { num: 25_000_001n, den: 1_000_000n } },
];

describe('sampleDiscreteLaplace', () => {
  it.each(SCALES)('matches the exact pmf by chi-square at α = 0.001 ($name)', ({ scale }) => {
    const rng = seededRandomSource(`dlap-${scale.num}/${scale.den}`);
    const samples = Array.from({ length: 20_000 }, () => Number(sampleDiscreteLaplace(rng, scale)));
    const { stat, df } = chiSquare(samples, (x) => discreteLaplacePmf(scale, x));
    expect(df).toBeGreaterThanOrEqual(2);
    expect(stat).toBeLessThan(chiSquareCritical(df));
  });

  it.each(SCALES)('has the theoretical variance within four standard errors ($name)', ({ scale }) => {
    const rng = seededRandomSource(`dlap-var-${scale.num}/${scale.den}`);
    const n = 20_000;
    const samples = Array.from({ length: n }, () => Number(sampleDiscreteLaplace(rng, scale)));
    const mean = samples.reduce((a, b) => a + b, 0) / n;
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    const sigma2 = discreteLaplaceVariance(scale);
    // Var of the sample variance ≈ (μ4 − σ⁴)/n; for the Laplace family μ4 ≈ 6σ⁴, so its SE ≈ σ²·√(5/n).
    const se = sigma2 * Math.sqrt(5 / n) + 1e-9;
    expect(Math.abs(variance - sigma2)).toBeLessThan(4 * se);
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(sigma2 / n));
  });

  it('draws from the cryptographic source when no seed is given (not constant)', () => {
    const draws = new Set(Array.from({ length: 50 }, () => sampleDiscreteLaplace(cryptoRandomSource, { num: 100n, den: 1n })));
    expect(draws.size).toBeGreaterThan(10);
  });

  it('refuses a non-positive scale', () => {
    expect(() => sampleDiscreteLaplace(cryptoRandomSource, { num: 0n, den: 1n })).toThrow(RangeError);
  });
});

describe('bernoulliExp', () => {
  it.each([
    { name: 'γ = 0.3', n: 3n, d: 10n },
    { name: 'γ = 2.5 (beyond 1: a product of e^−1 draws)', n: 5n, d: 2n },
  ])('succeeds with probability e^−γ within four standard errors ($name)', ({ n, d }) => {
    const rng = seededRandomSource(`bexp-${n}/${d}`);
    const trials = 20_000;
    let ok = 0;
    for (let i = 0; i < trials; i++) if (bernoulliExp(rng, n, d)) ok++;
    const p = Math.exp(-Number(n) / Number(d));
    expect(Math.abs(ok / trials - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / trials));
  });
});

describe('discrete Laplace tails', () => {
  it('gives a 95% half-width that covers at least 95% of the mass and is the smallest such', () => {
    for (const scale of SCALES.map((s) => s.scale)) {
      const m = discreteLaplaceHalfWidth(scale);
      const mass = (w: number) => { let p = 0; for (let x = -w; x <= w; x++) p += discreteLaplacePmf(scale, x); return p; };
      expect(mass(m)).toBeGreaterThanOrEqual(0.95 - 1e-12);
      if (m > 0) expect(mass(m - 1)).toBeLessThan(0.95);
    }
  });

  it('has an upper tail equal to the summed pmf', () => {
    const scale = { num: 3n, den: 1n };
    let p = 0;
    for (let x = 4; x < 400; x++) p += discreteLaplacePmf(scale, x);
    expect(discreteLaplaceUpperTail(scale, 4)).toBeCloseTo(p, 12);
  });
});
