// The console's cookies: the session id and the pre-sign-in form token, both HttpOnly, SameSite=Strict,
// scoped to /console, and Secure whenever the browser reached us over https (directly or through a proxy).
import type { Context } from 'hono';
import type { CookieOptions } from 'hono/utils/cookie';
import { CONSOLE_BASE } from './console-env.ts';

export const SESSION_COOKIE = 'dsbx_console';
export const SIGN_IN_COOKIE = 'dsbx_console_signin';

/**
 * A forwarded "https" is trusted without a proxy list because it can only add the Secure flag: a client that
 * lies about it makes its own cookie stricter, never weaker.
 */
export const reachedOverHttps = (c: Context): boolean =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';

export const consoleCookie = (c: Context, maxAgeSeconds?: number): CookieOptions => ({
  path: CONSOLE_BASE,
  httpOnly: true,
  sameSite: 'Strict',
  secure: reachedOverHttps(c),
  ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
});
