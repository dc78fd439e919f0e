// The calibration of a dp release: ε split, sensitivities from contribution bounds and clamps, τ.
import { describe, expect, it } from 'vitest';
import type { DpQuery } from '../sql/compiled.ts';
import { discreteLaplaceUpperTail } from './discrete-laplace.ts';
import { describeMeasurement, NoisePlanError, planNoise, thresholdTau } from './noise-plan.ts';

const query = (over: Partial<DpQuery> = {}): DpQuery => ({
  maxGroups: 1, maxRows: 5, grouped: true, tauFloor: 1, epsilon: 1, delta: 1e-6,
  aggregates: [
    { output: 'n', measure: 'count', bounds: null, decimals: 0, countHelper: null },
    { output: 'people', measure: 'count_units', bounds: null, decimals: 0, countHelper: null },
    { output: 'cost', measure: 'sum', bounds: [0, 500000], decimals: 2, countHelper: null },
    { output: 'mean', measure: 'avg', bounds: [-10, 4], decimals: 1, countHelper: '__dsbx_n_3' },
  ],
  ...over,
});

describe('planNoise', () => {
  const plan = planNoise(query());

  it('splits ε equally over every noisy measurement, two for an average and one for the threshold', () => {
    expect(plan.parts).toBe(6);
    const eps = [...plan.columns.flatMap((c) => [c.value, c.sum, c.count]), plan.threshold!.measurement].filter((m) => m !== null).map((m) => m!.epsilon);
    expect(eps).toHaveLength(6);
    expect(eps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('derives sensitivities from maxGroups · maxRows and the largest bound, in integer units', () => {
    const [n, people, cost, mean] = plan.columns;
    expect(n!.value!.sensitivity).toBe(5n);
    expect(people!.value!.sensitivity).toBe(1n);
    expect(cost!.value!.sensitivity).toBe(5n * 500000n * 100n);
    expect(mean!.sum!.sensitivity).toBe(5n * 100n);
    expect(mean!.count!.sensitivity).toBe(5n);
  });

  it('uses the exact scale Δ / (ε / parts)', () => {
    const n = plan.columns[0]!.value!;
    expect(Number(n.scale.num) / Number(n.scale.den)).toBe(30);
    expect(describeMeasurement(plan.columns[2]!.value!).scale).toBe(5 * 500000 * 6);
  });

  it('refuses an ε with more than six decimals, no aggregates, or an average without its count', () => {
    expect(() => planNoise(query({ epsilon: 0.1234567 }))).toThrow(NoisePlanError);
    expect(() => planNoise(query({ aggregates: [], grouped: false }))).toThrow(NoisePlanError);
    expect(() => planNoise(query({ aggregates: [{ output: 'a', measure: 'avg', bounds: [0, 1], decimals: 0, countHelper: null }] }))).toThrow(NoisePlanError);
  });

  it('spends all of ε on the threshold when a grouped release has no aggregate (the keys alone)', () => {
    const keysOnly = planNoise(query({ aggregates: [] }));
    expect(keysOnly.parts).toBe(1);
    expect(keysOnly.threshold!.measurement.epsilon).toBe(1);
  });

  it('has no threshold for a global aggregate', () => {
    expect(planNoise(query({ grouped: false })).threshold).toBeNull();
  });
});

describe('thresholdTau', () => {
  it.each([
    { name: 'scale 6, one group', scale: { num: 6n, den: 1n }, groups: 1, delta: 1e-6 },
    { name: 'scale 2.5, three groups', scale: { num: 5n, den: 2n }, groups: 3, delta: 1e-5 },
  ])('is the smallest τ at which a group of one person appears with probability ≤ δ / maxGroups ($name)', ({ scale, groups, delta }) => {
    const tau = thresholdTau(scale, groups, delta, 1);
    expect(discreteLaplaceUpperTail(scale, tau - 1)).toBeLessThanOrEqual(delta / groups);
    expect(discreteLaplaceUpperTail(scale, tau - 2)).toBeGreaterThan(delta / groups);
  });

  it('never goes below the policy floor', () => {
    expect(thresholdTau({ num: 1n, den: 10n }, 1, 0.5, 10)).toBe(10);
  });
});
