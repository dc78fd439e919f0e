// Gate step: remove the helper columns the rewrite added (e.g. the per-group count of privacy units).
// They never leave the sandbox.
import type { GateStep } from './types.ts';

export const helperRemovalStep: GateStep = (release) => {
  const keep = release.columns.flatMap((c, i) => (c.protection !== null ? [i] : []));
  if (keep.length === release.columns.length) return release;
  return {
    ...release,
    columns: keep.map((i) => release.columns[i] as (typeof release.columns)[number]),
    rows: release.rows.map((row) => keep.map((i) => row[i] ?? null)),
  };
};
