// Turns the compiler's Decision into the parts of a lineage entry it determines (decision, inputs,
// outputs, normalized SQL, planned protections), so that the query API does not re-derive them.
import type { Decision } from '../policy/decision.ts';
import type { CompiledQuery, InputColumn } from '../sql/compiled.ts';
import type { LineageEntry } from './record.ts';

export interface DecisionParts {
  readonly decision: LineageEntry['decision'];
  readonly inputs: LineageEntry['inputs'];
  readonly outputs: LineageEntry['outputs'];
  readonly normalizedSql: string | null;
  readonly fingerprint: string | null;
  /** What the gate is to apply; the API adds what it did apply (suppressed groups, noise) after the run. */
  readonly protections: LineageEntry['protections'];
}

const inputsOf = (inputs: readonly InputColumn[] | undefined): LineageEntry['inputs'] =>
  (inputs ?? []).map((c) => ({ dataset: c.dataset, table: c.table, column: c.column, level: c.level, usage: [...c.usage] }));

export function plannedProtections(compiled: CompiledQuery): NonNullable<LineageEntry['protections']> {
  return {
    profile: compiled.profile,
    ...(compiled.threshold ? { threshold: compiled.threshold.k, rounding: compiled.threshold.rounding } : {}),
    ...(compiled.kAnonymity ? { kAnonymity: compiled.kAnonymity.k } : {}),
  };
}

export function decisionParts(decision: Decision): DecisionParts {
  if (decision.effect === 'deny') {
    return {
      decision: {
        effect: 'deny',
        code: decision.code,
        // The rule codes and our own messages; never a position or anything copied from the query.
        reasons: decision.violations.map((v) => ({
          rule: v.rule,
          message: v.message,
          ...(v.column !== undefined ? { column: v.column } : {}),
          ...(v.function !== undefined ? { function: v.function } : {}),
        })),
      },
      inputs: inputsOf(decision.partial.inputs),
      outputs: [],
      normalizedSql: decision.partial.normalizedSql ?? null,
      fingerprint: decision.partial.fingerprint ?? null,
      protections: null,
    };
  }
  const c = decision.compiled;
  return {
    decision: { effect: 'allow', reasons: [] },
    inputs: inputsOf(c.inputs),
    outputs: c.outputs.map((o) => ({
      column: o.name,
      derivedFrom: o.derivedFrom.map((d) => ({ dataset: d.dataset, table: d.table, column: d.column })),
      transform: o.transform,
      protection: o.protection.kind,
    })),
    normalizedSql: c.normalizedSql,
    fingerprint: c.fingerprint,
    protections: plannedProtections(c),
  };
}
