// Gate step (rows mode): replace identifiers the plan marks `pseudonym` with a keyed pseudonym. The key is
// derived per license subject (HMAC-SHA256 of the server secret), so the same person gets the same
// pseudonym in every release to one licensee, and pseudonyms from two licensees cannot be linked: a leaked
// file points at the licensee it was released to.
import { createHmac } from 'node:crypto';
import type { GateStep, GateValue } from './types.ts';

export const PSEUDONYM_PREFIX = 'ps_';
/** 16 hex characters = 64 bits: collisions stay negligible at city scale (~10⁷ people). */
const PSEUDONYM_HEX_CHARS = 16;

/** The per-license key: HMAC-SHA256(serverSecret, 'dsbx-pseudonym:' + subject). */
export const pseudonymKey = (serverSecret: Uint8Array, subject: string): Uint8Array =>
  createHmac('sha256', serverSecret).update(`dsbx-pseudonym:${subject}`, 'utf8').digest();

export const pseudonymize = (key: Uint8Array, value: string): string =>
  PSEUDONYM_PREFIX + createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX_CHARS);

export const pseudonymStep: GateStep = (release, _compiled, ctx) => {
  const targets = release.columns.flatMap((c, i) => (c.protection?.kind === 'pseudonym' ? [i] : []));
  if (targets.length === 0) return release;
  for (const row of release.rows) {
    for (const i of targets) {
      const v: GateValue = row[i] ?? null;
      row[i] = v === null ? null : pseudonymize(ctx.pseudonymKey, String(v));
    }
  }
  return { ...release, columns: release.columns.map((c, i) => (targets.includes(i) ? { ...c, type: 'VARCHAR' } : c)) };
};
