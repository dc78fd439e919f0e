// The dp noise step on results built by hand: noisy thresholding, noise of the calibrated scale on every
// aggregate, averages as noisy sum over noisy count, and refusal of any plan that would leave a value exact.
import { describe, expect, it } from 'vitest';
import { groupKey } from '../fixtures/compiled-plans.ts';
import { SandboxError } from '../failure.ts';
import type { CompiledQuery, DpQuery, OutputColumn } from '../../src/sql/compiled.ts';
import { planNoise, describeMeasurement } from '../../src/dp/noise-plan.ts';
import { seededRandomSource } from '../../src/dp/seeded-random-source.ts';
import { noiseStepWith } from './noise.ts';
import { runOutputGate } from './output-gate.ts';
import { releaseFromResult } from './check-columns.ts';
import { checkPlan } from './check-plan.ts';
import { helperRemovalStep } from './helper-removal.ts';
import { pseudonymKey } from './pseudonym.ts';
import type { GateValue, RawResult } from './types.ts';

const ctx = { pseudonymKey: pseudonymKey(new Uint8Array(32).fill(7), 'dev-1') };
const agg = (name: string, fn: string): OutputColumn => ({
  name, protection: { kind: 'aggregate', fn, level: 'L3', rounded: false }, derivedFrom: [], transform: `aggregated(${fn})`, quasiIdentifier: false,
});

const dp: DpQuery = {
  maxGroups: 1, maxRows: 5, grouped: true, tauFloor: 10, epsilon: 1, delta: 1e-6,
  aggregates: [
    { output: 'n', measure: 'count', bounds: null, decimals: 0, countHelper: null },
    { output: 'cost', measure: 'sum', bounds: [0, 500000], decimals: 2, countHelper: null },
    { output: 'mean', measure: 'avg', bounds: [0, 500000], decimals: 2, countHelper: '__dsbx_n_mean' },
  ],
};

const plan: CompiledQuery = {
  version: 1, mode: 'aggregate', sql: 'SELECT …', normalizedSql: '', fingerprint: '0'.repeat(64), profile: 'dp',
  outputs: [groupKey('grp'), agg('n', 'count'), agg('cost', 'sum'), agg('mean', 'avg')],
  helpers: [{ name: '__dsbx_units', role: 'unit_count' }, { name: '__dsbx_n_mean', role: 'row_count' }],
  threshold: null, kAnonymity: null, rowCap: 10_000, datasets: ['health'], inputs: [], dp,
};

const raw = (rows: GateValue[][]): RawResult => ({
  columns: ['grp', 'n', 'cost', 'mean', '__dsbx_units', '__dsbx_n_mean'].map((name) => ({ name, type: 'HUGEINT' })),
  rows,
  moreRowsThanRead: false,
});

/** Runs check-columns, the noise step with a seeded source, and helper removal. */
const gate = (rows: GateValue[][], seed: string, compiled = plan) => {
  checkPlan(compiled);
  const step = noiseStepWith(seededRandomSource(seed));
  return helperRemovalStep(step(releaseFromResult(raw(rows), compiled), compiled, ctx), compiled, ctx);
};

const causeOf = (f: () => unknown): unknown => {
  try { f(); } catch (e) { if (e instanceof SandboxError) return e.details?.cause; throw e; }
  return 'no error';
};

describe('the dp noise step', () => {
  const noise = planNoise(dp);
  const tau = noise.threshold!.tau;

  it('keeps a large group, drops a group of one person, and does not disclose how many were dropped', () => {
    const out = gate([['big', 5000n, 100_000_00n, 100_000_00n, 5000n, 5000n], ['one', 1n, 5000n, 5000n, 1n, 1n]], 'keep-drop');
    expect(out.rows.map((r) => r[0])).toEqual(['big']);
    expect(out.disclosure.suppressedGroups).toBe(0);
    expect(out.disclosure.threshold).toBeNull();
    expect(out.columns.map((c) => c.name)).toEqual(['grp', 'n', 'cost', 'mean']);
  });

  it('releases a group just under τ only about as often as the noise allows, never always', () => {
    let released = 0;
    for (let i = 0; i < 400; i++) if (gate([['g', 10n, 0n, 0n, BigInt(tau - 1), 10n]], `near-${i}`).rows.length > 0) released++;
    expect(released).toBeGreaterThan(0);
    expect(released).toBeLessThan(400);
  });

  it("adds noise within the stated 95% half-width to most counts and sums, in the value's own units", () => {
    const n = noise.columns[0]!.value!;
    const cost = noise.columns[1]!.value!;
    let within = 0;
    const trials = 200;
    for (let i = 0; i < trials; i++) {
      const row = gate([['g', 1000n, 123_456_78n, 123_456_78n, 1000n, 1000n]], `within-${i}`).rows[0]!;
      const dn = Math.abs((row[1] as number) - 1000);
      const dc = Math.abs((row[2] as number) - 123456.78);
      if (dn <= describeMeasurement(n).halfWidth95 && dc <= describeMeasurement(cost).halfWidth95 + 1e-6) within++;
      // Sums stay on the cent grid: integer units plus integer noise, divided by 100 only at the end.
      expect(Math.round((row[2] as number) * 100) / 100).toBe(row[2]);
    }
    expect(within).toBeGreaterThan(trials * 0.8);
  });

  it('gives an average between the bounds from a noisy sum over a noisy count', () => {
    const row = gate([['g', 0n, 0n, 0n, 5000n, 0n]], 'avg-empty').rows[0]!;
    expect(row[3]).toBeGreaterThanOrEqual(0);
    expect(row[3]).toBeLessThanOrEqual(500000);
  });

  it('treats a NULL sum (no rows) as zero instead of releasing the NULL', () => {
    const global: CompiledQuery = { ...plan, outputs: plan.outputs.slice(1), dp: { ...dp, grouped: false }, helpers: plan.helpers };
    const rows = [[0n, null, null, 0n, 0n]];
    checkPlan(global);
    const step = noiseStepWith(seededRandomSource('null'));
    const out = helperRemovalStep(step(releaseFromResult({ columns: raw([]).columns.slice(1), rows, moreRowsThanRead: false }, global), global, ctx), global, ctx);
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]!.every((v) => typeof v === 'number')).toBe(true);
  });

  it("orders released rows by what is released, not by the engine's (exact-value) order", () => {
    const out = gate([['b', 900n, 0n, 0n, 900n, 900n], ['a', 5n, 0n, 0n, 900n, 900n]], 'order');
    expect(out.rows.map((r) => r[0])).toEqual(['a', 'b']);
  });

  it('draws fresh noise from the cryptographic source in the real gate', () => {
    const rows = () => [['g', 1000n, 0n, 0n, 1000n, 1000n]] as GateValue[][];
    const answers = new Set(Array.from({ length: 5 }, () => JSON.stringify(runOutputGate(raw(rows()), plan, ctx).rows)));
    expect(answers.size).toBeGreaterThan(1);
  });

  it.each([
    { name: 'an aggregate the dp description does not list', mutate: (p: CompiledQuery): CompiledQuery => ({ ...p, dp: { ...dp, aggregates: dp.aggregates.slice(1) } }) },
    { name: 'no dp description at all', mutate: (p: CompiledQuery): CompiledQuery => { const { dp: _, ...rest } = p; return rest; } },
    { name: 'an exact threshold on a dp plan', mutate: (p: CompiledQuery): CompiledQuery => ({ ...p, threshold: { k: 10, rounding: 1 } }) },
    { name: 'an average without its row-count helper', mutate: (p: CompiledQuery): CompiledQuery => ({ ...p, helpers: [p.helpers[0]!] }) },
    { name: 'an ε the calibration refuses', mutate: (p: CompiledQuery): CompiledQuery => ({ ...p, dp: { ...dp, epsilon: 0.12345678 } }) },
    { name: 'a dp description on a threshold plan', mutate: (p: CompiledQuery): CompiledQuery => ({ ...p, profile: 'threshold' }) },
  ])('refuses $name before reading any row', ({ mutate }) => {
    expect(causeOf(() => checkPlan(mutate(plan)))).toBe('plan_invalid');
  });

  it('refuses an aggregate that is not an integer (not on the unit grid)', () => {
    expect(causeOf(() => runOutputGate(raw([['g', 1000n, 1.5, 0n, 1000n, 1000n]]), plan, ctx))).toBe('plan_invalid');
  });
});
