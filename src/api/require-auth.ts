// Authentication middleware: reads `Authorization: Bearer <token>`, verifies it with the app's verifier,
// puts the Principal on the context, and refuses callers without one of the required roles.
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { hasRole, ROLES, type Role } from '../auth/principal.ts';
import { unauthenticated } from '../auth/verify.ts';
import type { AppEnv } from './env.ts';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/** With no roles, any authenticated caller passes; otherwise the caller needs at least one of them. */
export function requireAuth(...roles: Role[]): MiddlewareHandler<AppEnv> {
  for (const r of roles) if (!ROLES.includes(r)) throw new Error(`requireAuth: unknown role ${r}`);
  return async function requireAuthMiddleware(c, next) {
    const header = c.req.header('authorization');
    const m = header ? BEARER.exec(header.trim()) : null;
    if (!m?.[1]) throw unauthenticated();
    const principal = await c.var.deps.verifier.verify(m[1]);
    if (roles.length > 0 && !hasRole(principal, ...roles)) {
      throw new AppError('FORBIDDEN', 'this license does not have a role allowed to use this route');
    }
    c.set('principal', principal);
    await next();
  };
}
