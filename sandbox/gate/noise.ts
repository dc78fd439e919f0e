// Gate step (profile dp): differential privacy inside the sandbox, so that no exact aggregate ever leaves
// it. For a grouped release each group's unit count is noised and the group kept only when the noisy count
// reaches τ (noisy thresholding: no exact k, so a group's presence does not reveal one person); then every
// aggregate gets discrete Laplace noise on its integer-unit value (src/dp/noise-plan.ts calibrates it),
// averages become noisy sum / noisy count, and the rows are re-sorted on what is released, because the
// engine's order follows the exact values. How many groups were dropped is not disclosed: that count is
// itself an exact statistic of the data.
import { planNoise, NoisePlanError, type Measurement, type NoisePlan } from '../../src/dp/noise-plan.ts';
import { sampleDiscreteLaplace } from '../../src/dp/discrete-laplace.ts';
import { cryptoRandomSource, type RandomSource } from '../../src/dp/random-source.ts';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import type { GateStep, GateValue, Release } from './types.ts';

/** The plan for a dp query, or plan_invalid: the gate never guesses a calibration. */
export function noisePlanOf(compiled: CompiledQuery): NoisePlan {
  if (compiled.dp === undefined) throw new SandboxError('plan_invalid');
  try {
    return planNoise(compiled.dp);
  } catch (e) {
    if (e instanceof NoisePlanError) throw new SandboxError('plan_invalid');
    throw e;
  }
}

/** An aggregate as an exact integer; a NULL sum (no rows) is 0, so that emptiness is not revealed either. */
function units(v: GateValue): bigint {
  if (v === null) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  // A non-integer here means the rewrite did not put the value on the unit grid: refuse rather than guess.
  throw new SandboxError('plan_invalid');
}

const toValue = (u: bigint, decimals: number): number => Number(u) / 10 ** decimals;

export function noiseStepWith(rng: RandomSource): GateStep {
  const noisy = (exact: bigint, m: Measurement): bigint => exact + sampleDiscreteLaplace(rng, m.scale);
  return (release: Release, compiled: CompiledQuery): Release => {
    if (compiled.profile !== 'dp') return release;
    const plan = noisePlanOf(compiled);
    const indexOf = (name: string, helper: boolean): number => {
      const i = release.columns.findIndex((c) => c.name === name && (c.protection === null) === helper);
      if (i < 0) throw new SandboxError('column_mismatch');
      return i;
    };
    const unitHelper = compiled.helpers.find((h) => h.role === 'unit_count');
    const unitIndex = plan.threshold ? indexOf(unitHelper?.name ?? '', true) : -1;
    const targets = plan.columns.map((c) => ({
      c,
      index: indexOf(c.output, false),
      countIndex: c.countHelper === null ? -1 : indexOf(c.countHelper, true),
    }));

    const kept: GateValue[][] = [];
    for (const row of release.rows) {
      if (plan.threshold) {
        const n = noisy(units(row[unitIndex] ?? null), plan.threshold.measurement);
        if (n < BigInt(plan.threshold.tau)) continue;
      }
      for (const { c, index, countIndex } of targets) {
        const exact = units(row[index] ?? null);
        if (c.value !== null) {
          let v = noisy(exact, c.value);
          // Post-processing that cannot cost privacy: counts and sums of non-negative values are not negative.
          if ((c.measure !== 'sum' || (c.bounds !== null && c.bounds[0] >= 0)) && v < 0n) v = 0n;
          if (c.measure === 'sum' && c.bounds !== null && c.bounds[1] <= 0 && v > 0n) v = 0n;
          row[index] = c.measure === 'sum' ? toValue(v, c.value.decimals) : Number(v);
        } else if (c.sum !== null && c.count !== null && c.bounds !== null) {
          const s = noisy(exact, c.sum);
          const n = noisy(units(row[countIndex] ?? null), c.count);
          const mean = toValue(s, c.sum.decimals) / Number(n < 1n ? 1n : n);
          row[index] = Math.min(c.bounds[1], Math.max(c.bounds[0], mean));
          row[countIndex] = null;
        } else {
          throw new SandboxError('plan_invalid');
        }
      }
      if (unitIndex >= 0) row[unitIndex] = null;
      kept.push(row);
    }
    // The engine's order may follow exact values (ORDER BY an aggregate): order by what is released instead.
    const released = release.columns.flatMap((col, i) => (col.protection !== null ? [i] : []));
    const sortKey = (row: GateValue[]): string => JSON.stringify(released.map((i) => { const v = row[i]; return typeof v === 'bigint' ? v.toString() : v ?? null; }));
    const keyed = kept.map((row) => ({ row, key: sortKey(row) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const releasedType = new Map(plan.columns.map((c) => [c.output, c.measure === 'count' || c.measure === 'count_units' ? 'BIGINT' : 'DOUBLE']));
    return {
      columns: release.columns.map((col) => (col.protection !== null && releasedType.has(col.name) ? { ...col, type: releasedType.get(col.name)! } : col)),
      rows: keyed.map((k) => k.row),
      disclosure: { ...release.disclosure, threshold: null, rounding: null, suppressedGroups: 0 },
    };
  };
}

/** The service's noise step: always the cryptographic source. */
export const noiseStep: GateStep = noiseStepWith(cryptoRandomSource);
