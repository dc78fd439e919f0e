// The Queues page and its action forms (post/redirect/get). Stewards see their organisation's applications,
// objections, suspended datasets and catalog change proposals and act on them; admins see all, coordinate
// denied applications and review catalog changes (applying one stays with the API: it installs a catalog version). A refused action (no
// reason, an illegal transition, not theirs) re-renders the page with the governance error's code and status.
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../api/env.ts';
import { hasRole } from '../../auth/principal.ts';
import { homePaths } from '../../config.ts';
import { isAppError } from '../../errors.ts';
import type { ApplicationView } from '../../governance/applications.ts';
import { CONSOLE_BASE, type ConsoleEnv } from '../console-env.ts';
import { parseQueueAction, performQueueAction, RESOLUTION_ACTIONS, type QueueAction } from '../queue-actions.ts';
import { matchesApplication, matchesCatalogChange, matchesObjection, parseQueueFilter } from '../queue-filter.ts';
import { renderPage } from '../pages/render-page.tsx';
import { QueuesPage, type QueueNotice } from '../pages/queues-page.tsx';
import { RefusalPage } from '../pages/refusal-page.tsx';
import { requireSession } from '../require-session.tsx';
import type { SessionStore } from '../session-store.ts';
import { SuspensionRegister } from '../suspension-register.ts';

const QUEUES = `${CONSOLE_BASE}/queues`;
const TRANSITION = /^[a-z]+\.[a-z_]+$/;

/** Pending first, the nearest deadline on top (overdue ones come first that way); then the rest, newest first. */
const queueOrder = (a: ApplicationView, b: ApplicationView): number => {
  const pa = a.state === 'pending' ? 0 : 1;
  const pb = b.state === 'pending' ? 0 : 1;
  if (pa !== pb) return pa - pb;
  if (pa === 0) return a.deadline.localeCompare(b.deadline) || a.submittedAt.localeCompare(b.submittedAt);
  return b.submittedAt.localeCompare(a.submittedAt);
};

export function registerQueuePages(app: Hono<ConsoleEnv>, deps: AppDeps, sessions: SessionStore): void {
  const g = deps.governance;
  // One per server: each visit folds in only the governance events appended since the last one.
  const register = new SuspensionRegister(deps.catalog, homePaths(deps.config.home).state);
  const guard = requireSession(sessions, 'queues');

  const unavailable = (c: Context<ConsoleEnv>) => {
    const t = c.var.t;
    return renderPage(c, { title: t.errorTitle, status: 503 }, <RefusalPage t={t} title={t.errorTitle} body={t.governanceUnavailable} code="UNAVAILABLE" signedIn={true} />);
  };

  const show = (c: Context<ConsoleEnv>, notice: QueueNotice | undefined, status: ContentfulStatusCode = 200) => {
    if (!g) return unavailable(c);
    const t = c.var.t;
    const p = c.var.session.principal;
    const parsed = parseQueueFilter(c.req.queries());
    const now = new Date();
    // The same lists the API gives this license (GET /v1/applications, /v1/objections), then the page's filter.
    const applications = parsed.ok ? g.applications.list(p).map((a) => g.applications.view(a, now)).filter((a) => matchesApplication(a, parsed.filter)).sort(queueOrder) : [];
    const objections = parsed.ok
      ? g.objections.list(p).map((o) => g.objections.view(o, p)).filter((o) => matchesObjection(o, parsed.filter)).sort((a, b) => b.filedAt.localeCompare(a.filedAt))
      : [];
    const changes = parsed.ok
      ? g.catalogChanges.list(p).map((x) => g.catalogChanges.view(x, now)).filter((x) => matchesCatalogChange(x, parsed.filter)).sort((a, b) => b.proposedAt.localeCompare(a.proposedAt))
      : [];
    const mine = (dataset: string) => hasRole(p, 'admin') || deps.catalog.dataset(dataset)?.provider.id === p.org;
    const suspensions = parsed.ok
      ? register.notes((d) => g.datasetStatus.status(d), (d) => mine(d) && (!parsed.filter.dataset || parsed.filter.dataset === d))
      : [];
    return renderPage(
      c,
      { title: t.queuesTitle, section: 'queues', status: parsed.ok ? status : 400 },
      <QueuesPage
        t={t}
        principal={p}
        formToken={c.var.session.formToken}
        form={parsed.form}
        invalidFilter={!parsed.ok}
        datasets={deps.catalog.datasets.map((d) => ({ id: d.id, title: d.title[c.var.language] }))}
        applications={applications}
        objections={objections}
        suspensions={suspensions}
        catalogChanges={changes}
        resolutionActions={RESOLUTION_ACTIONS}
        {...(notice ? { notice } : {})}
      />,
    );
  };

  app.get('/queues', guard, (c) => {
    const done = c.req.query('done');
    return show(c, done && TRANSITION.test(done) ? { kind: 'done', action: done } : undefined);
  });

  const act = (kind: QueueAction['kind']) =>
    async function queueAction(c: Context<ConsoleEnv>) {
      if (!g) return unavailable(c);
      const id = c.req.param('id') ?? '';
      const by = c.var.session.principal;
      try {
        const action = parseQueueAction(kind, id, await c.req.parseBody());
        const outcome = await performQueueAction(g, by, action);
        c.var.deps.logger.info('console_governance_action', { sub: by.sub, action: outcome.action, lineageId: outcome.lineageId });
        // Post/redirect/get: reloading shows the queues without acting twice.
        return c.redirect(`${QUEUES}?done=${encodeURIComponent(outcome.action)}#item-${id}`, 303);
      } catch (e) {
        if (!isAppError(e)) throw e;
        const state = e.details?.['state'];
        const notice: QueueNotice = { kind: 'refused', code: e.code, ...(/^[0-9a-f-]{36}$/.test(id) ? { itemId: id } : {}), ...(typeof state === 'string' ? { state } : {}) };
        return show(c, notice, e.status as ContentfulStatusCode);
      }
    };
  app.post('/queues/applications/:id/decision', guard, act('decide'));
  app.post('/queues/applications/:id/coordination', guard, act('coordinate'));
  app.post('/queues/objections/:id/resolution', guard, act('resolve'));
  app.post('/queues/catalog-changes/:id/review', guard, act('review'));
  // A refused action is rendered at the form's address: its language links (GET) lead back to the queues.
  for (const p of ['/queues/applications/:id/decision', '/queues/applications/:id/coordination', '/queues/objections/:id/resolution', '/queues/catalog-changes/:id/review']) {
    app.get(p, guard, (c) => c.redirect(QUEUES, 303));
  }
}
