// The verified-token cache: entries live until the token's exp and at most maxAge, the cache never holds
// more than maxEntries (least recently used first out), and only the exact same token string hits.
import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';

const principal = (exp: number, sub = 'alice'): Principal => ({ sub, org: 'o', roles: ['developer'], datasets: ['population'], jti: `j-${sub}`, exp });

describe('createVerifiedTokenCache', () => {
  it('returns the principal remembered for the same token string and nothing for any other', () => {
    const cache = createVerifiedTokenCache();
    const p = principal(10_000);
    cache.set('token-a', p, 1000);
    expect(cache.get('token-a', 1001)).toBe(p);
    expect(cache.get('token-a ', 1001)).toBeUndefined();
    expect(cache.get('token-b', 1001)).toBeUndefined();
  });

  it('forgets an entry at the token exp when that comes before maxAge', () => {
    const cache = createVerifiedTokenCache({ maxAgeSeconds: 60 });
    cache.set('t', principal(1030), 1000);
    expect(cache.get('t', 1029)).toBeDefined();
    expect(cache.get('t', 1030)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets an entry maxAge seconds after it was verified even when the token lives longer', () => {
    const cache = createVerifiedTokenCache({ maxAgeSeconds: 60 });
    cache.set('t', principal(100_000), 1000);
    expect(cache.get('t', 1059)).toBeDefined();
    expect(cache.get('t', 1060)).toBeUndefined();
  });

  it('does not keep a token that has already expired (accepted within the clock tolerance)', () => {
    const cache = createVerifiedTokenCache();
    cache.set('t', principal(1000), 1010);
    expect(cache.size).toBe(0);
    expect(cache.get('t', 1010)).toBeUndefined();
  });

  it('holds at most maxEntries, evicting the least recently used', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 3 });
    for (const t of ['a', 'b', 'c']) cache.set(t, principal(10_000, t), 1000);
    expect(cache.get('a', 1001)?.sub).toBe('a');
    cache.set('d', principal(10_000, 'd'), 1001);
    expect(cache.size).toBe(3);
    expect(cache.get('b', 1002)).toBeUndefined();
    expect(cache.get('a', 1002)?.sub).toBe('a');
    expect(cache.get('c', 1002)?.sub).toBe('c');
    expect(cache.get('d', 1002)?.sub).toBe('d');
  });

  it('refuses a nonsensical size or age', () => {
    expect(() => createVerifiedTokenCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createVerifiedTokenCache({ maxAgeSeconds: 0 })).toThrow(RangeError);
  });
});
