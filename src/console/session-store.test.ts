// Tests for the console's server-side sessions.
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { SessionStore, sameSecret } from './session-store.ts';

const principal = (expSeconds = 10_000): Principal => ({ sub: 'r', org: 'o', roles: ['reviewer'], datasets: 'all', jti: 'j', exp: expSeconds });

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SessionStore', () => {
  it('gives each session an unguessable id and form token, and finds it again by id', () => {
    const store = new SessionStore();
    const a = store.create('token-a', principal(Date.now() / 1000 + 3600));
    const b = store.create('token-b', principal(Date.now() / 1000 + 3600));
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.formToken).not.toBe(a.id);
    expect(store.touch(a.id)?.token).toBe('token-a');
    expect(store.touch('not-a-session')).toBeUndefined();
  });

  it('ends a session after the idle period, but not while it is being used', () => {
    const c = clock();
    const store = new SessionStore({ idleMs: 1000, lifetimeMs: 100_000, now: c.now });
    const s = store.create('t', principal());
    c.advance(900);
    expect(store.touch(s.id)).toBeDefined();
    c.advance(900);
    expect(store.touch(s.id)).toBeDefined();
    c.advance(1000);
    expect(store.touch(s.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('ends a session at its lifetime and when the token expires, however active', () => {
    const c = clock();
    const store = new SessionStore({ idleMs: 10_000, lifetimeMs: 5000, now: c.now });
    const s = store.create('t', principal());
    for (let i = 0; i < 4; i++) {
      c.advance(1000);
      expect(store.touch(s.id)).toBeDefined();
    }
    c.advance(1000);
    expect(store.touch(s.id)).toBeUndefined();
    const expiring = store.create('t', principal(c.now() / 1000 + 2));
    c.advance(2000);
    expect(store.touch(expiring.id)).toBeUndefined();
  });

  it('forgets a session on sign-out', () => {
    const store = new SessionStore();
    const s = store.create('t', principal(Date.now() / 1000 + 3600));
    store.end(s.id);
    expect(store.touch(s.id)).toBeUndefined();
  });

  it('drops the least recently used session when full', () => {
    const c = clock();
    const store = new SessionStore({ maxSessions: 2, now: c.now });
    const a = store.create('a', principal());
    const b = store.create('b', principal());
    store.touch(a.id);
    const d = store.create('d', principal());
    expect(store.touch(b.id)).toBeUndefined();
    expect(store.touch(a.id)).toBeDefined();
    expect(store.touch(d.id)).toBeDefined();
  });
});

describe('sameSecret', () => {
  it('is true only for equal strings', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', undefined)).toBe(false);
    expect(sameSecret('', '')).toBe(true);
  });
});
