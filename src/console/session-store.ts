// Server-side console sessions: the browser holds only a random session id; the license token stays here, in
// memory, so that no page, script or log ever carries it. Sessions end on sign-out, after an idle period, at
// a fixed lifetime, or when the token expires, whichever comes first; a restart ends them all.
import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.ts';

export interface ConsoleSession {
  readonly id: string;
  /** The license token, re-verified on every request so that revocation and expiry take effect at once. */
  readonly token: string;
  readonly principal: Principal;
  /** Per-session anti-CSRF token, sent back in a hidden field by every form. */
  readonly formToken: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionStoreOptions {
  readonly idleMs?: number;
  readonly lifetimeMs?: number;
  /** Bounds memory: the least recently used session is dropped to make room. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

/** 32 random bytes, URL-safe: unguessable session ids and form tokens. */
export const randomToken = (): string => crypto.randomBytes(32).toString('base64url');

/** Compares two secrets in time independent of where they first differ. */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y) && a.length === b.length;
}

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.lifetimeMs = options.lifetimeMs ?? 8 * 3600_000;
    this.maxSessions = options.maxSessions ?? 1000;
    this.now = options.now ?? Date.now;
    if (!(this.idleMs > 0 && this.lifetimeMs > 0 && Number.isInteger(this.maxSessions) && this.maxSessions > 0)) {
      throw new Error('SessionStore: idleMs, lifetimeMs and maxSessions must be positive');
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  create(token: string, principal: Principal): ConsoleSession {
    this.sweep();
    while (this.sessions.size >= this.maxSessions) {
      // Map iteration order is insertion order, and touch() re-inserts: the first key is the least recent.
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const at = this.now();
    const session: ConsoleSession = { id: randomToken(), token, principal, formToken: randomToken(), createdAt: at, lastSeenAt: at };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, marked as used now; undefined (and forgotten) when it has ended. */
  touch(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    this.sessions.delete(id);
    if (!this.isLive(session)) return undefined;
    session.lastSeenAt = this.now();
    this.sessions.set(id, session);
    return session;
  }

  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  private isLive(s: ConsoleSession): boolean {
    const at = this.now();
    return at - s.lastSeenAt < this.idleMs && at - s.createdAt < this.lifetimeMs && at < s.principal.exp * 1000;
  }

  private sweep(): void {
    for (const [id, s] of this.sessions) if (!this.isLive(s)) this.sessions.delete(id);
  }
}
