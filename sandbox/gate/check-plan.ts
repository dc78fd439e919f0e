// Gate step: refuse a compiled plan whose protections the gate cannot apply as stated, before any row is
// looked at. The compiler is trusted to decide; the gate is not trusted to guess what it meant.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import type { GateStep } from './types.ts';

export function checkPlan(compiled: CompiledQuery): void {
  // Differential privacy needs the noise step, which the gate does not have yet: releasing a `dp` query
  // without noise would silently weaken what the dataset's profile promises.
  if (compiled.profile !== 'threshold') throw new SandboxError('profile_unsupported');

  const names = [...compiled.outputs.map((o) => o.name), ...compiled.helpers.map((h) => h.name)];
  if (new Set(names).size !== names.length) throw new SandboxError('plan_invalid');
  if (compiled.outputs.length === 0) throw new SandboxError('plan_invalid');

  const unitCounts = compiled.helpers.filter((h) => h.role === 'unit_count');
  if (compiled.threshold !== null && unitCounts.length !== 1) throw new SandboxError('plan_invalid');

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
