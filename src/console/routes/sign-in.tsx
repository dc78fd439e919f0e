// Sign-in and sign-out. Signing in verifies the pasted token exactly as the API does, refuses roles that may
// open no console section (403, and no session is made), and otherwise starts a server-side session under a fresh
// random id. The sign-in form itself carries a double-submit token so that no other site can sign a
// browser into a session of its choosing.
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type } from 'arktype';
import { isAppError } from '../../errors.ts';
import { MAX_TOKEN_LENGTH } from '../../auth/verify.ts';
import { CONSOLE_BASE, type ConsoleEnv } from '../console-env.ts';
import { homeSectionOf, mayUseConsole } from '../console-roles.ts';
import { consoleCookie, SESSION_COOKIE, SIGN_IN_COOKIE } from '../session-cookie.ts';
import { randomToken, sameSecret, type SessionStore } from '../session-store.ts';
import { renderPage } from '../pages/render-page.tsx';
import { SignInPage, type SignInNotice } from '../pages/sign-in-page.tsx';
import { refuseRole, requireSession } from '../require-session.tsx';

const SignInForm = type({ token: `0 < string <= ${MAX_TOKEN_LENGTH}`, formToken: '0 < string <= 100', '+': 'reject' });
const NOTICES: readonly SignInNotice[] = ['ended', 'signedOut'];
const SIGN_IN_FORM_SECONDS = 3600;

export function registerSignInRoutes(app: Hono<ConsoleEnv>, sessions: SessionStore): void {
  const showForm = (c: Context<ConsoleEnv>, notice: SignInNotice | undefined, status: 200 | 400 | 401 = 200) => {
    const formToken = randomToken();
    setCookie(c, SIGN_IN_COOKIE, formToken, consoleCookie(c, SIGN_IN_FORM_SECONDS));
    return renderPage(c, { title: c.var.t.signInTitle, status }, <SignInPage t={c.var.t} formToken={formToken} {...(notice ? { notice } : {})} />);
  };

  app.get('/sign-in', (c) => {
    const current = sessions.touch(getCookie(c, SESSION_COOKIE));
    const home = current && homeSectionOf(current.principal);
    if (home) return c.redirect(`${CONSOLE_BASE}/${home}`, 303);
    const asked = c.req.query('notice');
    return showForm(c, NOTICES.find((n) => n === asked));
  });

  app.post('/sign-in', async (c) => {
    const form = SignInForm(await c.req.parseBody());
    if (form instanceof type.errors || !sameSecret(form.formToken, getCookie(c, SIGN_IN_COOKIE))) return showForm(c, 'formExpired', 400);
    let principal;
    try {
      // Surrounding whitespace is a copy-and-paste artefact, not part of a JWT.
      principal = await c.var.deps.verifier.verify(form.token.trim());
    } catch (e) {
      if (!isAppError(e)) throw e;
      return showForm(c, 'failed', 401);
    }
    if (!mayUseConsole(principal)) return refuseRole(c, false);
    sessions.end(getCookie(c, SESSION_COOKIE));
    const session = sessions.create(form.token.trim(), principal);
    deleteCookie(c, SIGN_IN_COOKIE, consoleCookie(c));
    setCookie(c, SESSION_COOKIE, session.id, consoleCookie(c));
    c.var.deps.logger.info('console_sign_in', { sub: principal.sub, roles: principal.roles });
    return c.redirect(`${CONSOLE_BASE}/${homeSectionOf(principal)}`, 303);
  });

  app.post('/sign-out', requireSession(sessions), (c) => {
    sessions.end(c.var.session.id);
    deleteCookie(c, SESSION_COOKIE, consoleCookie(c));
    return c.redirect(`${CONSOLE_BASE}/sign-in?notice=signedOut`, 303);
  });
}
