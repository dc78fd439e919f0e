// The lineage pages: the filtered, paginated list and one record in depth. They read the same store as the
// reviewer API (GET /v1/lineage, /v1/lineage/{id}) and hold no result rows, because the log holds none.
import type { Context, Hono } from 'hono';
import { ERROR_STATUS } from '../../errors.ts';
import type { LineageStore } from '../../lineage/store.ts';
import { checkpointsAround } from '../../lineage/nearest-checkpoint.ts';
import { CONSOLE_BASE, type ConsoleEnv } from '../console-env.ts';
import { lineageListHref, parseLineageFilter } from '../lineage-filter.ts';
import { renderPage } from '../pages/render-page.tsx';
import { LineageListPage } from '../pages/lineage-list-page.tsx';
import { RecordPage } from '../pages/record-page.tsx';
import { RefusalPage } from '../pages/refusal-page.tsx';
import { requireSession } from '../require-session.tsx';
import type { SessionStore } from '../session-store.ts';

export const LINEAGE_PAGE_SIZE = 50;
const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CODES = Object.keys(ERROR_STATUS).sort();

export function unavailable(c: Context<ConsoleEnv>) {
  const t = c.var.t;
  return renderPage(c, { title: t.errorTitle, status: 503 }, <RefusalPage t={t} title={t.errorTitle} body={t.unavailableBody} code="UNAVAILABLE" signedIn={true} />);
}

export function notFound(c: Context<ConsoleEnv>, signedIn: boolean) {
  const t = c.var.t;
  return renderPage(c, { title: t.notFoundTitle, status: 404 }, <RefusalPage t={t} title={t.notFoundTitle} body={t.notFoundBody} code="NOT_FOUND" signedIn={signedIn} />);
}

export function registerLineagePages(app: Hono<ConsoleEnv>, store: LineageStore | undefined, sessions: SessionStore): void {
  app.get('/lineage', requireSession(sessions, 'lineage'), async (c) => {
    if (!store) return unavailable(c);
    const t = c.var.t;
    const datasets = c.var.deps.catalog.datasets.map((d) => ({ id: d.id, title: d.title[c.var.language] }));
    const parsed = parseLineageFilter(c.req.queries());
    const base = `${CONSOLE_BASE}/lineage`;
    const common = { t, language: c.var.language, form: parsed.form, datasets, codes: CODES };
    if (!parsed.ok) {
      return renderPage(c, { title: t.lineageTitle, section: 'lineage', status: 400 }, <LineageListPage {...common} records={[]} invalidFilter={true} />);
    }
    const page = await store.list(parsed.filter, { limit: LINEAGE_PAGE_SIZE, ...(parsed.cursor ? { cursor: parsed.cursor } : {}) });
    return renderPage(
      c,
      { title: t.lineageTitle, section: 'lineage' },
      <LineageListPage
        {...common}
        records={page.records}
        invalidFilter={false}
        {...(page.nextCursor ? { olderHref: lineageListHref(base, parsed.form, page.nextCursor) } : {})}
        {...(parsed.cursor ? { newestHref: lineageListHref(base, parsed.form) } : {})}
      />,
    );
  });

  app.get('/lineage/:id', requireSession(sessions, 'lineage'), async (c) => {
    if (!store) return unavailable(c);
    const id = c.req.param('id');
    const record = RECORD_ID.test(id) ? await store.get(id) : undefined;
    if (!record) return notFound(c, true);
    const around = checkpointsAround(await store.checkpoints(), record.seq);
    return renderPage(c, { title: `${c.var.t.recordTitle} ${record.seq}`, section: 'lineage' }, <RecordPage t={c.var.t} record={record} checkpoints={around} />);
  });
}
