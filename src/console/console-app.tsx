// The web console of reviewers (lineage, integrity, budgets) and of stewards and admins (governance queues):
// server-rendered pages under /console (hono JSX, no script), with server-side sessions, per-session form tokens plus an Origin/Sec-Fetch-Site check on every form, its own strict
// Content-Security-Policy, and a language switch (zh/en). Mounted by api/app.ts.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { getCookie, setCookie } from 'hono/cookie';
import { isAppError } from '../errors.ts';
import type { AppDeps } from '../api/env.ts';
import { CONSOLE_BASE, type ConsoleEnv } from './console-env.ts';
import { DICTIONARIES } from './i18n/dictionary.ts';
import { chooseLanguage, LANGUAGE_COOKIE } from './language.ts';
import { renderPage } from './pages/render-page.tsx';
import { RefusalPage } from './pages/refusal-page.tsx';
import { registerBudgetPages } from './routes/budget-pages.tsx';
import { registerQueuePages } from './routes/queue-pages.tsx';
import { homeSectionOf } from './console-roles.ts';
import { registerIntegrityPages } from './routes/integrity-pages.tsx';
import { notFound, registerLineagePages } from './routes/lineage-pages.tsx';
import { registerSignInRoutes } from './routes/sign-in.tsx';
import { consoleSecureHeaders } from './security-headers.ts';
import { consoleCookie, SESSION_COOKIE } from './session-cookie.ts';
import { SessionStore, type SessionStoreOptions } from './session-store.ts';
import { CONSOLE_CSS } from './stylesheet.ts';

const YEAR_SECONDS = 365 * 24 * 3600;

function errorPage(err: Error, c: Context<ConsoleEnv>) {
  // The language middleware may not have run yet (an error in an earlier one): fall back to Chinese.
  if (!c.var.t) {
    c.set('language', 'zh');
    c.set('t', DICTIONARIES.zh);
  }
  const t = c.var.t;
  const signedIn = c.get('session') !== undefined;
  if ((isAppError(err) && err.status === 403) || (err instanceof HTTPException && err.status === 403)) {
    // Only the cross-site check throws here (role refusals are rendered by their routes): a form not from our page.
    return renderPage(c, { title: t.errorTitle, status: 403 }, <RefusalPage t={t} title={t.errorTitle} body={t.formExpired} code="FORBIDDEN" signedIn={signedIn} />);
  }
  if (isAppError(err) && err.status === 404) return notFound(c, signedIn);
  const known = isAppError(err) ? err : undefined;
  // Only the error's name reaches the log: its message may quote a path or engine text.
  if (!known) c.var.deps?.logger.error('console_unhandled_error', { requestId: c.var.requestId, name: err.name });
  const status = known ? (known.status as ContentfulStatusCode) : 500;
  return renderPage(c, { title: t.errorTitle, status }, <RefusalPage t={t} title={t.errorTitle} body={t.errorBody} code={known?.code ?? 'INTERNAL'} signedIn={signedIn} />);
}

export function createConsoleApp(deps: AppDeps, options: { sessions?: SessionStoreOptions } = {}): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const sessions = new SessionStore(options.sessions);

  app.use('*', consoleSecureHeaders());
  app.use('*', async function consoleLanguage(c, next) {
    const choice = chooseLanguage(c.req.query('lang'), getCookie(c, LANGUAGE_COOKIE), c.req.header('accept-language'));
    c.set('language', choice.language);
    c.set('t', DICTIONARIES[choice.language]);
    if (choice.remember) setCookie(c, LANGUAGE_COOKIE, choice.language, consoleCookie(c, YEAR_SECONDS));
    await next();
  });
  // Every form is same-origin: a cross-site POST is refused before any handler reads its body.
  app.use('*', csrf());
  app.onError(errorPage);

  app.get('/assets/console.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  // Home is the first section the signed-in license may open (lineage for reviewers, queues for stewards).
  const home = (c: Context<ConsoleEnv>) => {
    const session = sessions.touch(getCookie(c, SESSION_COOKIE));
    return c.redirect(`${CONSOLE_BASE}/${(session && homeSectionOf(session.principal)) ?? 'sign-in'}`, 303);
  };
  app.get('/', home);
  registerSignInRoutes(app, sessions);
  registerLineagePages(app, deps.lineage, sessions);
  registerIntegrityPages(app, deps.lineage, sessions);
  registerBudgetPages(app, deps, sessions);
  registerQueuePages(app, deps, sessions);
  // Everything else under /console is a console page that does not exist (an HTML 404 with the console's headers).
  app.all('*', (c) => (c.req.method === 'GET' && c.req.path === `${CONSOLE_BASE}/` ? home(c) : notFound(c, false)));
  return app;
}
