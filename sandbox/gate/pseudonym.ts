// Gate step (rows mode): replace identifiers the plan marks `pseudonym` with a keyed pseudonym. The key is
// derived per license subject (HMAC-SHA256 of the server secret), so the same person gets the same
// pseudonym in every release to one licensee, and pseudonyms from two licensees cannot be linked: a leaked
// file points at the licensee it was released to.
import { createHmac, hash } from 'node:crypto';
import type { GateStep, GateValue } from './types.ts';

export const PSEUDONYM_PREFIX = 'ps_';
/** 16 hex characters = 64 bits: collisions stay negligible at city scale (~10⁷ people). */
const PSEUDONYM_HEX_CHARS = 16;

/** The per-license key: HMAC-SHA256(serverSecret, 'dsbx-pseudonym:' + subject). */
export const pseudonymKey = (serverSecret: Uint8Array, subject: string): Uint8Array =>
  createHmac('sha256', serverSecret).update(`dsbx-pseudonym:${subject}`, 'utf8').digest();

const BLOCK = 64; // SHA-256 block size in bytes
const DIGEST = 32;

/**
 * A pseudonymizer for one key: HMAC-SHA256 (RFC 2104) computed as two one-shot SHA-256 hashes over the
 * precomputed inner and outer padded keys. Same output as createHmac, about six times faster, which is
 * what a million-row release spends its time on.
 */
export function pseudonymizer(key: Uint8Array): (value: string) => string {
  const k = key.length > BLOCK ? hash('sha256', Buffer.from(key), 'buffer') : Buffer.from(key);
  const ipad = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK + DIGEST, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i] = (ipad[i] as number) ^ (k[i] as number);
    outer[i] = (outer[i] as number) ^ (k[i] as number);
  }
  // One scratch buffer for the inner message, grown when a value is longer: no allocation per value.
  let inner = Buffer.alloc(BLOCK + 256);
  ipad.copy(inner);
  return (value) => {
    const length = Buffer.byteLength(value, 'utf8');
    if (BLOCK + length > inner.length) {
      inner = Buffer.alloc(BLOCK + length * 2);
      ipad.copy(inner);
    }
    inner.write(value, BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, BLOCK + length), 'buffer').copy(outer, BLOCK);
    return PSEUDONYM_PREFIX + hash('sha256', outer, 'hex').slice(0, PSEUDONYM_HEX_CHARS);
  };
}

export const pseudonymStep: GateStep = (release, _compiled, ctx) => {
  const targets = release.columns.flatMap((c, i) => (c.protection?.kind === 'pseudonym' ? [i] : []));
  if (targets.length === 0) return release;
  const pseudonymize = pseudonymizer(ctx.pseudonymKey);
  const rows = release.rows;
  for (const i of targets) {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as GateValue[];
      const v = row[i];
      row[i] = v === null || v === undefined ? null : pseudonymize(typeof v === 'string' ? v : String(v));
    }
  }
  return { ...release, columns: release.columns.map((c, i) => (targets.includes(i) ? { ...c, type: 'VARCHAR' } : c)) };
};
