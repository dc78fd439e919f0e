// The output gate: the chain of steps every result passes, inside the sandbox process, before anything
// leaves it. The chain is a list so that a step (e.g. differential-privacy noise, after the threshold)
// can be inserted without touching the others; the order matters and is explained step by step.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import { checkPlanStep } from './check-plan.ts';
import { releaseFromResult } from './check-columns.ts';
import { helperRemovalStep } from './helper-removal.ts';
import { jsonSafeRows } from './json-safe.ts';
import { kAnonymityStep } from './k-anonymity.ts';
import { maskingStep } from './masking.ts';
import { noiseStep } from './noise.ts';
import { pseudonymStep } from './pseudonym.ts';
import { resultSha256 } from './result-hash.ts';
import { roundingStep } from './rounding.ts';
import { rowCapStep } from './row-cap.ts';
import { thresholdStep } from './threshold.ts';
import type { GateContext, GateResult, GateStep, RawResult, ReleasedColumn } from './types.ts';

export const GATE_STEPS: readonly GateStep[] = [
  checkPlanStep, // refuse plans the gate cannot honour, before touching rows
  thresholdStep, // drop groups under k units (needs the helper column, so before helper removal)
  roundingStep, // round the counts of the groups that remain
  noiseStep, // dp: noisy threshold τ and noise on every aggregate, in place of k and rounding (which dp plans lack)
  maskingStep, // rows mode: mask, then pseudonymize identifiers
  pseudonymStep,
  rowCapStep, // cap before k-anonymity: cutting rows afterwards could shrink a class below k
  kAnonymityStep, // over the values as they will be released
  helperRemovalStep, // last: helpers never leave
];

/** Apply the gate to what the engine returned. Throws a SandboxError (nothing released) when a step cannot apply. */
export function runOutputGate(
  raw: RawResult,
  compiled: CompiledQuery,
  ctx: GateContext,
  executeMs = 0,
): GateResult {
  const started = performance.now();
  let release = releaseFromResult(raw, compiled);
  for (const step of GATE_STEPS) release = step(release, compiled, ctx);

  const columns: ReleasedColumn[] = release.columns.map((c) => {
    // helperRemovalStep guarantees every remaining column carries a protection.
    if (c.protection === null) throw new SandboxError('column_mismatch');
    return { name: c.name, type: c.type, protection: c.protection };
  });
  const rows = jsonSafeRows(release.rows);
  const sha = resultSha256(columns, rows);
  return {
    columns,
    rows,
    disclosure: { ...release.disclosure, rowCount: rows.length },
    resultSha256: sha,
    timings: { executeMs, gateMs: performance.now() - started },
  };
}
