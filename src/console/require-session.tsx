// Middleware for the pages behind sign-in: finds the session named by the cookie, re-verifies its token (so
// an expired or revoked license loses the console at once), checks the role against the section the page
// belongs to, and on every unsafe request checks the form's anti-CSRF token against the session's.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { isAppError } from '../errors.ts';
import { CONSOLE_BASE, type ConsoleEnv } from './console-env.ts';
import { mayUseConsole, maySee, type ConsoleSection } from './console-roles.ts';
import { consoleCookie, SESSION_COOKIE } from './session-cookie.ts';
import { sameSecret, type SessionStore } from './session-store.ts';
import { renderPage } from './pages/render-page.tsx';
import { RefusalPage } from './pages/refusal-page.tsx';

const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/;

export function refuseRole(c: Context<ConsoleEnv>, signedIn: boolean): Response | Promise<Response> {
  const t = c.var.t;
  return renderPage(
    c,
    { title: t.forbiddenTitle, status: 403 },
    <RefusalPage t={t} title={t.forbiddenTitle} body={t.forbiddenBody} code="FORBIDDEN" signedIn={signedIn} />,
  );
}

export function refuseForm(c: Context<ConsoleEnv>): Response | Promise<Response> {
  const t = c.var.t;
  return renderPage(c, { title: t.errorTitle, status: 403 }, <RefusalPage t={t} title={t.errorTitle} body={t.formExpired} code="FORBIDDEN" signedIn={true} />);
}

/** The form's token from a urlencoded or multipart body; undefined for anything else. */
export async function formField(c: Context, name: string): Promise<string | undefined> {
  const body = await c.req.parseBody();
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** `section`: the console section the page belongs to; without one (sign-out) any console role will do. */
export function requireSession(sessions: SessionStore, section?: ConsoleSection): MiddlewareHandler<ConsoleEnv> {
  return async function requireConsoleSession(c, next) {
    const id = getCookie(c, SESSION_COOKIE);
    const session = sessions.touch(id);
    const toSignIn = (notice?: 'ended') => {
      if (id !== undefined) deleteCookie(c, SESSION_COOKIE, consoleCookie(c));
      return c.redirect(`${CONSOLE_BASE}/sign-in${notice ? `?notice=${notice}` : ''}`, 303);
    };
    if (!session) return toSignIn(id === undefined ? undefined : 'ended');
    try {
      await c.var.deps.verifier.verify(session.token);
    } catch (e) {
      if (!isAppError(e)) throw e;
      sessions.end(session.id);
      return toSignIn('ended');
    }
    c.set('session', session);
    if (!mayUseConsole(session.principal)) return refuseRole(c, false);
    if (section !== undefined && !maySee(session.principal, section)) return refuseRole(c, true);
    if (UNSAFE.test(c.req.method) && !sameSecret(await formField(c, 'formToken'), session.formToken)) {
      // A form without this session's token was not produced by our page for this session.
      return refuseForm(c);
    }
    await next();
  };
}
