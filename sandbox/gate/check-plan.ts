// Gate step: refuse a compiled plan whose protections the gate cannot apply as stated, before any row is
// looked at. The compiler is trusted to decide; the gate is not trusted to guess what it meant.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import { noisePlanOf } from './noise.ts';
import type { GateStep } from './types.ts';

/**
 * A dp plan must say how every released aggregate is noised: an aggregate the plan forgot would leave
 * exact. Aggregate mode only, no exact threshold or k-anonymity, and the helpers the noise step reads.
 */
function checkDpPlan(compiled: CompiledQuery): void {
  const dp = compiled.dp;
  if (dp === undefined || compiled.mode !== 'aggregate' || compiled.threshold !== null || compiled.kAnonymity !== null) {
    throw new SandboxError('plan_invalid');
  }
  noisePlanOf(compiled);
  const aggregates = compiled.outputs.filter((o) => o.protection.kind === 'aggregate').map((o) => o.name).sort();
  const noised = dp.aggregates.map((a) => a.output).sort();
  if (aggregates.length !== noised.length || aggregates.some((a, i) => a !== noised[i])) throw new SandboxError('plan_invalid');
  const helpers = new Map(compiled.helpers.map((h) => [h.name, h.role]));
  for (const a of dp.aggregates) {
    if ((a.measure === 'avg') !== (a.countHelper !== null)) throw new SandboxError('plan_invalid');
    if (a.countHelper !== null && helpers.get(a.countHelper) !== 'row_count') throw new SandboxError('plan_invalid');
  }
  const rowCounts = compiled.helpers.filter((h) => h.role === 'row_count').length;
  if (rowCounts !== dp.aggregates.filter((a) => a.countHelper !== null).length) throw new SandboxError('plan_invalid');
  if (dp.grouped && compiled.helpers.filter((h) => h.role === 'unit_count').length !== 1) throw new SandboxError('plan_invalid');
}

export function checkPlan(compiled: CompiledQuery): void {
  if (compiled.profile === 'dp') checkDpPlan(compiled);
  else if (compiled.dp !== undefined || compiled.helpers.some((h) => h.role !== 'unit_count')) throw new SandboxError('plan_invalid');

  const names = [...compiled.outputs.map((o) => o.name), ...compiled.helpers.map((h) => h.name)];
  if (new Set(names).size !== names.length) throw new SandboxError('plan_invalid');
  if (compiled.outputs.length === 0) throw new SandboxError('plan_invalid');

  const unitCounts = compiled.helpers.filter((h) => h.role === 'unit_count');
  if (compiled.threshold !== null && unitCounts.length !== 1) throw new SandboxError('plan_invalid');
  // A unit count by rows only ever stands in for an exact threshold release.
  if (compiled.unitCountByRows !== undefined && (compiled.profile !== 'threshold' || compiled.mode !== 'aggregate' || compiled.threshold === null)) {
    throw new SandboxError('plan_invalid');
  }

  if (compiled.kAnonymity !== null) {
    if (compiled.mode !== 'rows') throw new SandboxError('plan_invalid');
    const outputNames = new Set(compiled.outputs.map((o) => o.name));
    if (!compiled.kAnonymity.quasiIdentifiers.every((q) => outputNames.has(q))) throw new SandboxError('plan_invalid');
  }

  for (const o of compiled.outputs) {
    const p = o.protection;
    // Defence in depth for the grading policy: a core (L4) value never leaves as itself.
    if ((p.kind === 'raw' || p.kind === 'group_key' || p.kind === 'generalized') && p.level === 'L4') {
      throw new SandboxError('plan_invalid');
    }
    // Masks and pseudonyms are for row releases; in an aggregate they would be group keys of identifiers.
    if ((p.kind === 'masked' || p.kind === 'pseudonym') && compiled.mode !== 'rows') throw new SandboxError('plan_invalid');
    if (p.kind === 'aggregate' && compiled.mode !== 'aggregate') throw new SandboxError('plan_invalid');
  }
}

export const checkPlanStep: GateStep = (release, compiled) => {
  checkPlan(compiled);
  return release;
};
