// One line saying what protections shaped a result: how many rows, the threshold and rounding, what was
// suppressed or cut, noise and budget under differential privacy, and the lineage record to cite.
import type { QueryResponse } from '../api-types.ts';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Noise and budget are read defensively: they appear only on dp answers. */
function dpParts(d: Record<string, unknown>): string[] {
  const parts: string[] = [];
  const noise = d.noise;
  const entries = Array.isArray(noise) ? noise : noise && typeof noise === 'object' ? Object.entries(noise).map(([column, v]) => ({ column, ...(v as object) })) : [];
  if (entries.length) {
    const described = entries.map((e: Record<string, unknown>) => {
      const column = typeof e.column === 'string' ? e.column : '?';
      const half = [e.halfWidth95, e.interval95HalfWidth, e.ci95].find(finite);
      return half !== undefined ? `${column} ±${Number(half.toPrecision(3))}` : column;
    });
    const mechanism = entries.map((e: Record<string, unknown>) => e.mechanism).find((m) => typeof m === 'string');
    parts.push(`${mechanism ?? 'noise'} (95%): ${described.join(', ')}`);
  }
  const budget = d.budget as Record<string, unknown> | undefined;
  if (budget && typeof budget === 'object') {
    const charged = [budget.epsilonCharged, budget.charged].find(finite);
    const remaining = [budget.remaining, budget.epsilonRemaining].find(finite);
    if (charged !== undefined) parts.push(`ε ${charged} charged`);
    if (remaining !== undefined) parts.push(`ε ${remaining} left`);
  }
  return parts;
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
  parts.push(...dpParts(d as Record<string, unknown>));
  parts.push(`lineage ${res.lineageId}`);
  return parts.join(' · ');
}
