// Gate step (rows mode): k-anonymity over the released quasi-identifiers. Rows whose combination of
// quasi-identifier values (as released, after masking) is shared by fewer than k rows are suppressed; the
// response reports only how many rows were suppressed.
import { SandboxError } from '../failure.ts';
import type { GateStep, GateValue } from './types.ts';

// The class key must not confuse null with the string "null", nor 1 with "1": tag each value with its type.
const keyPart = (v: GateValue): string => (v === null ? 'n' : `${typeof v}:${String(v)}`);

export const kAnonymityStep: GateStep = (release, compiled) => {
  const kAnon = compiled.kAnonymity;
  if (compiled.mode !== 'rows' || kAnon === null) return release;
  const indexes = kAnon.quasiIdentifiers.map((q) => {
    const i = release.columns.findIndex((c) => c.name === q && c.protection !== null);
    if (i < 0) throw new SandboxError('plan_invalid');
    return i;
  });
  const classKey = (row: GateValue[]): string => indexes.map((i) => keyPart(row[i] ?? null)).join('\u0000');

  const sizes = new Map<string, number>();
  const keys = release.rows.map((row) => {
    const key = classKey(row);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    return key;
  });
  const kept = release.rows.filter((_, i) => (sizes.get(keys[i] as string) ?? 0) >= kAnon.k);
  return {
    ...release,
    rows: kept,
    disclosure: {
      ...release.disclosure,
      kAnonymity: kAnon.k,
      suppressedRows: release.disclosure.suppressedRows + (release.rows.length - kept.length),
    },
  };
};
