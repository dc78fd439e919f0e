// Gate step (rows mode): replace every value of a column the plan marks `masked` with its masked form.
import type { MaskMethod } from '../../src/catalog/schema.ts';
import { MASKS } from './mask-methods.ts';
import type { GateStep, GateValue } from './types.ts';

export const maskingStep: GateStep = (release) => {
  const targets: { index: number; mask: (v: string) => string }[] = [];
  release.columns.forEach((c, index) => {
    if (c.protection?.kind === 'masked') targets.push({ index, mask: MASKS[c.protection.method as MaskMethod] });
  });
  if (targets.length === 0) return release;
  for (const row of release.rows) {
    for (const { index, mask } of targets) {
      const v: GateValue = row[index] ?? null;
      row[index] = v === null ? null : mask(String(v));
    }
  }
  return { ...release, columns: release.columns.map((c, i) => (targets.some((t) => t.index === i) ? { ...c, type: 'VARCHAR' } : c)) };
};
