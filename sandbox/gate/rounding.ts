// Gate step: round every aggregate the plan marks `rounded` to the nearest multiple of the threshold's
// base, half away from zero (so 2.5 × base goes to 3 × base and −2.5 × base to −3 × base). A released
// group whose count rounds to 0 is fine: it still covers at least k units. A plan without a threshold
// (open data, which has no privacy unit) has no base, and its counts are released as they are.
import { SandboxError } from '../failure.ts';
import type { GateStep, GateValue } from './types.ts';

export function roundToBase(v: GateValue, base: number): GateValue {
  if (v === null) return null;
  if (typeof v === 'bigint') {
    const b = BigInt(base);
    const negative = v < 0n;
    const abs = negative ? -v : v;
    const q = abs / b + ((abs % b) * 2n >= b ? 1n : 0n);
    return negative ? -(q * b) : q * b;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const abs = Math.abs(v);
    // Integers take the exact path; x / base + 0.5 can land just under a half in floating point.
    const q = Number.isInteger(abs) && Number.isInteger(base)
      ? Math.floor(abs / base) + ((abs % base) * 2 >= base ? 1 : 0)
      : Math.floor(abs / base + 0.5);
    const r = q * base;
    return v < 0 && r !== 0 ? -r : r;
  }
  // A rounded aggregate that is not a number is a plan the gate does not understand.
  throw new SandboxError('plan_invalid');
}

export const roundingStep: GateStep = (release, compiled) => {
  const base = compiled.threshold?.rounding ?? null;
  if (base === null) return release;
  const targets = release.columns.flatMap((c, i) =>
    c.protection?.kind === 'aggregate' && c.protection.rounded ? [i] : [],
  );
  if (targets.length === 0) return release;
  for (const row of release.rows) for (const i of targets) row[i] = roundToBase(row[i] ?? null, base);
  return { ...release, disclosure: { ...release.disclosure, rounding: base } };
};
