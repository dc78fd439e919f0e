// What a dp release (or its explain) tells the caller about its noise and budget: per noisy column the
// mechanism's ε, scale and 95% half-width in the column's own units (a released value v means the exact
// value lies in v ± halfWidth95 with 95% probability), τ for grouped releases, and the budget lines.
import type { BudgetLine } from './budget-ledger.ts';
import { describeMeasurement, type NoisePlan } from './noise-plan.ts';

export interface MeasurementDisclosure {
  readonly epsilon: number;
  readonly sensitivity: number;
  readonly scale: number;
  readonly halfWidth95: number;
}

export interface NoiseColumnDisclosure {
  readonly name: string;
  readonly measure: 'count' | 'count_units' | 'sum' | 'avg';
  readonly bounds: readonly [number, number] | null;
  /** count, count_units, sum: the value's noise; null for an average (see sum and count). */
  readonly noise: MeasurementDisclosure | null;
  /** avg: the noise on the sum and on the row count it is divided by. */
  readonly sum: MeasurementDisclosure | null;
  readonly count: MeasurementDisclosure | null;
}

export interface NoiseDisclosure {
  readonly mechanism: string;
  readonly epsilon: number;
  readonly delta: number;
  readonly maxGroups: number;
  readonly maxRows: number;
  /** A group is released only when its noisy count of people is at least tau. */
  readonly threshold: { readonly tau: number; readonly noise: MeasurementDisclosure } | null;
  readonly columns: readonly NoiseColumnDisclosure[];
  /** The recorded answer of an identical earlier query, returned again at no cost. */
  readonly repeated: boolean;
}

export interface BudgetDisclosure extends BudgetLine {
  /** ε this attempt charged (0 for a repeat or an explain). */
  readonly charged: number;
}

export function noiseDisclosure(plan: NoisePlan, repeated: boolean): NoiseDisclosure {
  return {
    mechanism: plan.mechanism,
    epsilon: plan.epsilon,
    delta: plan.delta,
    maxGroups: plan.maxGroups,
    maxRows: plan.maxRows,
    threshold: plan.threshold ? { tau: plan.threshold.tau, noise: describeMeasurement(plan.threshold.measurement) } : null,
    columns: plan.columns.map((c) => ({
      name: c.output,
      measure: c.measure,
      bounds: c.bounds,
      noise: c.value ? describeMeasurement(c.value) : null,
      sum: c.sum ? describeMeasurement(c.sum) : null,
      count: c.count ? describeMeasurement(c.count) : null,
    })),
    repeated,
  };
}

/** The one summary the lineage record has room for (protections.noise): the total ε and the largest scale among the noisy columns, each in its own units. */
export function lineageNoise(plan: NoisePlan): { mechanism: string; scale: number; epsilon: number } {
  const scales = plan.columns.flatMap((c) => [c.value, c.sum, c.count]).filter((m) => m !== null).map((m) => describeMeasurement(m!).scale);
  return { mechanism: plan.mechanism, scale: Math.max(0, ...scales), epsilon: plan.epsilon };
}
