// One line saying what protections shaped a result: how many rows, the threshold and rounding, what was
// suppressed or cut, the noise (95% half-width per noisy column) and ε budget under differential privacy,
// and the lineage record to cite.
import type { Disclosure, NoiseDisclosure, QueryResponse } from '../api-types.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const num = (n: number): string => String(Number(n.toPrecision(3)));

export function noiseParts(noise: NoiseDisclosure): string[] {
  const columns = noise.columns.map((c) => {
    const m = c.noise;
    if (m) return `${c.name} ±${num(m.halfWidth95)}`;
    // An average is a noisy sum over a noisy count: its error depends on the count, so show both parts.
    if (c.sum && c.count) return `${c.name} = (sum ±${num(c.sum.halfWidth95)}) / (count ±${num(c.count.halfWidth95)})`;
    return c.name;
  });
  const parts = [`${noise.mechanism} ε=${num(noise.epsilon)}, 95%: ${columns.join(', ')}`];
  if (noise.threshold) parts.push(`groups kept when noisy people ≥ ${num(noise.threshold.tau)}`);
  if (noise.repeated) parts.push('repeat: the recorded answer, no ε charged');
  return parts;
}

function budgetParts(budget: NonNullable<Disclosure['budget']>): string[] {
  return budget.map((b) => `${b.dataset}: ε ${num(b.charged)} charged, ${num(b.remaining)} of ${num(b.allocation)} left`);
}

export function disclosureSummary(res: Pick<QueryResponse, 'disclosure' | 'lineageId'>): string {
  const d = res.disclosure;
  const parts = [plural(d.rowCount, 'row')];
  if (d.threshold) parts.push(`≥${d.threshold.k} people per group, counts rounded to ${d.threshold.rounding}`);
  else if (d.rounding !== null) parts.push(`counts rounded to ${d.rounding}`);
  if (d.kAnonymity !== null) parts.push(`${d.kAnonymity}-anonymous`);
  if (d.suppressedGroups > 0) parts.push(`${plural(d.suppressedGroups, 'group')} suppressed`);
  if (d.suppressedRows > 0) parts.push(`${plural(d.suppressedRows, 'row')} suppressed`);
  if (d.truncated) parts.push('truncated at the row cap');
  if (d.noise) parts.push(...noiseParts(d.noise));
  if (d.budget) parts.push(...budgetParts(d.budget));
  parts.push(`lineage ${res.lineageId}`);
  return parts.join(' · ');
}
