// The integrity page and its re-verify form. A verification reads the whole log, so only one runs at a time:
// a second request while one is running waits for the same result instead of starting another.
import type { Hono } from 'hono';
import type { LineageStore } from '../../lineage/store.ts';
import { lastCheckpoint } from '../../lineage/nearest-checkpoint.ts';
import { CONSOLE_BASE, type ConsoleEnv } from '../console-env.ts';
import { renderPage } from '../pages/render-page.tsx';
import { IntegrityPage, type Verification } from '../pages/integrity-page.tsx';
import { requireSession } from '../require-session.tsx';
import type { SessionStore } from '../session-store.ts';
import { unavailable } from './lineage-pages.tsx';

export function registerIntegrityPages(app: Hono<ConsoleEnv>, store: LineageStore | undefined, sessions: SessionStore): void {
  let last: Verification | undefined;
  let running: Promise<Verification> | undefined;

  const verifyNow = (by: string): Promise<Verification> => {
    running ??= (async () => {
      const started = performance.now();
      try {
        const report = await store!.verify();
        last = { report, at: new Date().toISOString(), by, ms: Math.round(performance.now() - started) };
        return last;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  app.get('/integrity', requireSession(sessions, 'integrity'), async (c) => {
    if (!store) return unavailable(c);
    return renderPage(
      c,
      { title: c.var.t.integrityTitle, section: 'integrity' },
      <IntegrityPage
        t={c.var.t}
        status={store.integrity()}
        head={store.head()}
        lastCheckpoint={lastCheckpoint(await store.checkpoints())}
        verification={last}
        formToken={c.var.session.formToken}
      />,
    );
  });

  app.post('/integrity/verify', requireSession(sessions, 'integrity'), async (c) => {
    if (!store) return unavailable(c);
    const v = await verifyNow(c.var.session.principal.sub);
    c.var.deps.logger.info('console_lineage_verified', { sub: c.var.session.principal.sub, ok: v.report.ok, count: v.report.count });
    // Post/redirect/get: reloading the page shows the result without verifying again.
    return c.redirect(`${CONSOLE_BASE}/integrity`, 303);
  });
}
