// Gate step: release at most the plan's row cap; anything beyond it (read or not) sets `truncated`.
import type { GateStep } from './types.ts';

export const rowCapStep: GateStep = (release, compiled) => {
  if (release.rows.length <= compiled.rowCap) return release;
  return {
    ...release,
    rows: release.rows.slice(0, compiled.rowCap),
    disclosure: { ...release.disclosure, truncated: true },
  };
};
