// Gate step (aggregate mode, profile threshold): drop every group whose hidden count of distinct privacy
// units is below k. A dropped group leaves no trace but the total count of suppressed groups, so a
// suppressed group and a group that does not exist look the same; a global aggregate over fewer than k
// units releases no row at all.
import { SandboxError } from '../failure.ts';
import type { GateStep, GateValue } from './types.ts';

/** The helper's value as a count; anything that is not a non-negative integer count suppresses the group. */
const unitCount = (v: GateValue): number => {
  if (typeof v === 'bigint') return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return -1;
};

export const thresholdStep: GateStep = (release, compiled) => {
  const threshold = compiled.threshold;
  if (compiled.mode !== 'aggregate' || threshold === null) return release;
  const helper = compiled.helpers.find((h) => h.role === 'unit_count');
  if (helper === undefined) throw new SandboxError('plan_invalid');
  const index = release.columns.findIndex((c) => c.name === helper.name && c.protection === null);
  if (index < 0) throw new SandboxError('column_mismatch');

  const kept: GateValue[][] = [];
  let suppressed = 0;
  for (const row of release.rows) {
    if (unitCount(row[index] ?? null) >= threshold.k) kept.push(row);
    else suppressed++;
  }
  return {
    ...release,
    rows: kept,
    disclosure: { ...release.disclosure, suppressedGroups: release.disclosure.suppressedGroups + suppressed },
  };
};
