// A small bounded memory of tokens whose signature and claims were verified, so a client sending the same
// token on every request does not pay an EdDSA verification each time. Keyed by the SHA-256 of the token
// (the token itself is not kept); an entry lives until the token's exp and at most maxAgeSeconds. Only the
// signature/claims work is remembered: the verifier still checks the revocation list on every request.
import { createHash } from 'node:crypto';
import type { Principal } from './principal.ts';

export const DEFAULT_MAX_ENTRIES = 1024;
export const DEFAULT_MAX_AGE_SECONDS = 60;

export interface VerifiedTokenCacheOptions {
  readonly maxEntries?: number;
  readonly maxAgeSeconds?: number;
}

export interface VerifiedTokenCache {
  /** The Principal verified for this token, unless it was never seen, was evicted or has expired. */
  get(token: string, nowSeconds: number): Principal | undefined;
  /** Remembers a verified token until min(its exp, now + maxAge); an already expired one is not kept. */
  set(token: string, principal: Principal, nowSeconds: number): void;
  readonly size: number;
}

interface Entry {
  readonly principal: Principal;
  /** Seconds since the epoch: the entry is used only while now < until. */
  readonly until: number;
}

const keyOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');

export function createVerifiedTokenCache(opts: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxAge = opts.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  if (!(maxAge > 0)) throw new RangeError('maxAgeSeconds must be positive');
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry>();

  return {
    get(token, now) {
      const key = keyOf(token);
      const e = entries.get(key);
      if (e === undefined) return undefined;
      entries.delete(key);
      if (now >= e.until) return undefined;
      entries.set(key, e);
      return e.principal;
    },
    set(token, principal, now) {
      const until = Math.min(principal.exp, now + maxAge);
      if (now >= until) return;
      const key = keyOf(token);
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { principal, until });
    },
    get size() {
      return entries.size;
    },
  };
}
