// The Queues page through the real app (createApp with the real verifier and a real governance service over an
// event log and lineage store on disk): who may open which section, the lists each role sees, overdue
// highlighting, the steward's and admin's forms with their refusals (no reason, CONFLICT, not theirs, no form
// token), the suspension list with who/why/since, and the filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import type { AppEnv } from '../api/env.ts';
import type { Principal } from '../auth/principal.ts';
import { homePaths } from '../config.ts';
import type { ApplicationRequest } from '../governance/applications.ts';
import { openGovernance, type Governance } from '../governance/governance.ts';
import { loadCalendar } from '../governance/working-days.ts';
import { openLineageStore } from '../lineage/embedded-store.ts';
import type { LineageStore } from '../lineage/store.ts';
import { silentLog } from '../lineage/test-keys.ts';
import { testService, type TestService } from '../../test/support/service.ts';
import { CONSOLE_SECTIONS, SECTION_OPERATIONS, SECTION_ROLES } from './console-roles.ts';
import { TestBrowser } from './test-browser.ts';

let t: TestService;
let app: Hono<AppEnv>;
let g: Governance;
let store: LineageStore;
const tokens: Record<'steward' | 'otherSteward' | 'admin' | 'reviewer' | 'applicant', string> = {} as never;
const principals: Record<string, Principal> = {};

const DAY = 24 * 3600_000;
const request = (over: Partial<ApplicationRequest> = {}): ApplicationRequest => ({
  legalBasis: 'Measures art. 14; research agreement 2026-17',
  purpose: 'employment trends by insurance type',
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.insurance_type', 'social_security.insured.status'] },
  method: 'aggregate',
  period: { from: '2026-01-01', to: '2026-12-31' },
  ...over,
});

/** An application submitted `daysAgo` days ago, through the book with an injected clock (the API has none). */
const submit = (daysAgo = 0) => g.applications.submit(principals.applicant!, request(), new Date(Date.now() - daysAgo * DAY)).application;
const fileObjection = (dataset = 'social_security') =>
  g.objections.file(principals.applicant!, { dataset, ground: 'error', description: 'wrong insurance types', contact: 'objector-mail@example.org' }).objection;

async function signedIn(token: string): Promise<TestBrowser> {
  const b = new TestBrowser(app);
  await b.signIn(token);
  return b;
}
const html = async (b: TestBrowser, path: string) => (await b.fetch(path)).text();
const formToken = async (b: TestBrowser) => TestBrowser.field(await html(b, '/console/queues'), 'formToken');
const rowOf = (page: string, id: string): string => {
  const m = new RegExp(`<tr id="item-${id}"[^>]*>`).exec(page);
  if (!m) throw new Error(`no row for ${id}`);
  return m[0];
};

beforeAll(async () => {
  t = await testService();
  const paths = homePaths(t.home);
  store = await openLineageStore({ dir: paths.lineage, signer: { kid: t.service.keys.kid, privateKey: t.service.keys.privateKey }, publicJwk: t.service.keys.publicJwk, checkpointEvery: 50, log: silentLog });
  g = openGovernance({
    stateDir: paths.state,
    revokedFile: paths.revoked,
    calendar: loadCalendar(t.config.policiesDir),
    catalog: t.service.deps.catalog,
    lineage: store,
    context: { engine: { duckdb: 'test', dsbx: 'test' }, dataVersion: 'test', catalogVersion: 'test' },
  });
  app = createApp({ ...t.service.deps, lineage: store, governance: g });
  tokens.steward = await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' });
  tokens.otherSteward = await t.token('steward', { sub: 'bus-steward', org: 'qqhr-bus' });
  tokens.admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  tokens.reviewer = await t.token('reviewer', { sub: 'reviewer-wang', org: 'city-data-bureau' });
  tokens.applicant = await t.token('researcher', { sub: 'alice', org: 'univ-a', datasets: [] });
  for (const [k, v] of Object.entries(tokens)) principals[k] = await t.service.deps.verifier.verify(v);
});
afterAll(async () => {
  g?.close();
  await store?.close();
  await t?.cleanup();
});

describe('who may open which section', () => {
  it('admits each section to exactly the roles the API admits for the same data', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { operationId: string; 'x-dsbx-roles'?: string[] }>> };
    const rolesOf = new Map(Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => [op.operationId, op['x-dsbx-roles'] ?? []] as const)));
    for (const section of CONSOLE_SECTIONS) {
      const api = new Set(SECTION_OPERATIONS[section].flatMap((op) => rolesOf.get(op) ?? ['<missing operation>']));
      expect([...api].sort(), section).toEqual([...SECTION_ROLES[section]].sort());
    }
  });

  it('lands a steward on the queues, offers only that section, and refuses the lineage, integrity and budgets pages', async () => {
    const b = new TestBrowser(app);
    const res = await b.signIn(tokens.steward);
    expect(res.headers.get('location')).toBe('/console/queues');
    const page = await html(b, '/console/queues');
    expect(page).toContain('href="/console/queues"');
    expect(page).not.toContain('href="/console/lineage"');
    for (const p of ['/console/lineage', '/console/integrity', '/console/budgets']) {
      const refused = await b.fetch(p);
      expect(refused.status, p).toBe(403);
      expect(await refused.text()).toContain('data-error-code="FORBIDDEN"');
    }
    expect((await b.fetch('/console/integrity/verify', { form: { formToken: TestBrowser.field(page, 'formToken') } })).status).toBe(403);
    expect((await b.fetch('/console')).headers.get('location')).toBe('/console/queues');
  });

  it('lands an admin on the queues and keeps the lineage log closed to them, as GET /v1/lineage does', async () => {
    const b = new TestBrowser(app);
    expect((await b.signIn(tokens.admin)).headers.get('location')).toBe('/console/queues');
    expect((await b.fetch('/console/lineage')).status).toBe(403);
    expect((await app.request('/v1/lineage', { headers: { authorization: `Bearer ${tokens.admin}` } })).status).toBe(403);
  });

  it('keeps the queues closed to a reviewer, whose navigation does not offer them', async () => {
    const b = await signedIn(tokens.reviewer);
    const res = await b.fetch('/console/queues');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-error-code="FORBIDDEN"');
    expect(await html(b, '/console/lineage')).not.toContain('href="/console/queues"');
  });
});

describe('the applications queue', () => {
  it("shows a steward their organisation's applications with the deadline, and highlights the overdue one", async () => {
    const late = submit(10);
    const fresh = submit(0);
    const b = await signedIn(tokens.steward);
    const page = await html(b, '/console/queues?lang=en');
    expect(rowOf(page, late.id)).toContain('data-overdue="true"');
    expect(rowOf(page, late.id)).toContain('class="overdue"');
    expect(rowOf(page, fresh.id)).toContain('data-overdue="false"');
    expect(page).toContain(g.applications.view(late).deadline);
    expect(page).toContain('univ-a');
    // Pending and overdue first.
    expect(page.indexOf(`item-${late.id}`)).toBeLessThan(page.indexOf(`item-${fresh.id}`));
    // Not the business of another provider's steward.
    expect(await html(await signedIn(tokens.otherSteward), '/console/queues')).not.toContain(late.id);
  });

  it('refuses a denial without a reason with BAD_REQUEST on the page, and leaves the application pending', async () => {
    const a = submit(0);
    const b = await signedIn(tokens.steward);
    const res = await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: await formToken(b), decision: 'deny', reason: '   ' } });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('data-error-code="BAD_REQUEST"');
    expect(rowOf(page, a.id)).toContain('data-state="pending"');
    expect(g.applications.get(a.id)!.state).toBe('pending');
  });

  it('approves through the book, records it in lineage, redirects, and shows CONFLICT with the state on a second decision', async () => {
    const a = submit(0);
    const b = await signedIn(tokens.steward);
    const token = await formToken(b);
    const res = await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: token, decision: 'approve', reason: '' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/queues?done=application.approved#item-${a.id}`);
    expect(g.applications.get(a.id)!.state).toBe('approved');
    const newest = (await store.list({ kind: 'governance' }, { limit: 1 })).records[0]!;
    expect(newest).toMatchObject({ subject: 'hrss-steward', application: a.id });
    expect(newest.decision.reasons[0]!.rule).toBe('application.approved');
    expect(await html(b, '/console/queues?done=application.approved')).toContain('data-notice="done"');

    const again = await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: token, decision: 'deny', reason: 'changed my mind' } });
    expect(again.status).toBe(409);
    const page = await again.text();
    expect(page).toContain('data-error-code="CONFLICT"');
    expect(page).toContain('data-current-state="approved"');
  });

  it("answers NOT_FOUND to another provider's steward and FORBIDDEN to an admin deciding, changing nothing", async () => {
    const a = submit(0);
    const other = await signedIn(tokens.otherSteward);
    expect((await other.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: await formToken(other), decision: 'approve' } })).status).toBe(404);
    const admin = await signedIn(tokens.admin);
    const res = await admin.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: await formToken(admin), decision: 'approve' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-error-code="FORBIDDEN"');
    expect(g.applications.get(a.id)!.state).toBe('pending');
  });

  it('refuses a form without the session token, a cross-site form, and a malformed decision', async () => {
    const a = submit(0);
    const b = await signedIn(tokens.steward);
    expect((await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: 'forged', decision: 'approve' } })).status).toBe(403);
    expect((await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: await formToken(b), decision: 'approve' }, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await b.fetch(`/console/queues/applications/${a.id}/decision`, { form: { formToken: await formToken(b), decision: 'maybe' } })).status).toBe(400);
    expect((await b.fetch('/console/queues/applications/not-an-id/decision', { form: { formToken: await formToken(b), decision: 'approve' } })).status).toBe(404);
    expect(g.applications.get(a.id)!.state).toBe('pending');
  });

  it('lets an admin coordinate a denial the applicant sent to coordination, with a reason', async () => {
    const a = submit(0);
    g.applications.decide(principals.steward!, a.id, 'deny', 'scope too wide');
    g.applications.requestCoordination(principals.applicant!, a.id, 'the scope is what the study needs');
    const admin = await signedIn(tokens.admin);
    const page = await html(admin, '/console/queues');
    expect(page).toContain(`action="/console/queues/applications/${a.id}/coordination"`);
    const token = TestBrowser.field(page, 'formToken');
    expect((await admin.fetch(`/console/queues/applications/${a.id}/coordination`, { form: { formToken: token, decision: 'grant', reason: '' } })).status).toBe(400);
    const res = await admin.fetch(`/console/queues/applications/${a.id}/coordination`, { form: { formToken: token, decision: 'grant', reason: 'the study is in the public interest' } });
    expect(res.status).toBe(303);
    expect(g.applications.get(a.id)!.state).toBe('coordination_granted');
  });
});

describe('objections and suspended datasets', () => {
  it('suspends a dataset from an objection, lists it with who, why and since, and restores it', async () => {
    const o = fileObjection();
    const b = await signedIn(tokens.steward);
    const page = await html(b, '/console/queues?lang=en');
    expect(page).toContain(`data-objection-id="${o.id}"`);
    // The steward must answer the objector, so the contact is shown to them.
    expect(page).toContain('objector-mail@example.org');
    const token = TestBrowser.field(page, 'formToken');
    const res = await b.fetch(`/console/queues/objections/${o.id}/resolution`, { form: { formToken: token, action: 'suspend', reason: 'checking the insurance types' } });
    expect(res.status).toBe(303);
    expect(g.datasetStatus.status('social_security')).toBe('suspended');
    const after = await html(b, '/console/queues');
    const row = /<tr data-suspended-dataset="social_security"[\s\S]*?<\/tr>/.exec(after)?.[0] ?? '';
    expect(row).toContain('hrss-steward');
    expect(row).toContain('checking the insurance types');
    expect(row).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    // Another provider's steward neither sees this suspension nor the objection.
    const other = await html(await signedIn(tokens.otherSteward), '/console/queues');
    expect(other).not.toContain('data-suspended-dataset="social_security"');
    expect(other).not.toContain(o.id);

    expect((await b.fetch(`/console/queues/objections/${o.id}/resolution`, { form: { formToken: token, action: 'restore', reason: 'types were right' } })).status).toBe(303);
    expect(g.datasetStatus.status('social_security')).toBe('active');
    expect(await html(b, '/console/queues')).not.toContain('data-suspended-dataset="social_security"');
  });

  it('shows CONFLICT with the current state for an illegal resolution, and BAD_REQUEST without a reason', async () => {
    const o = fileObjection();
    const b = await signedIn(tokens.steward);
    const token = await formToken(b);
    const noReason = await b.fetch(`/console/queues/objections/${o.id}/resolution`, { form: { formToken: token, action: 'suspend', reason: '' } });
    expect(noReason.status).toBe(400);
    const res = await b.fetch(`/console/queues/objections/${o.id}/resolution`, { form: { formToken: token, action: 'reopen', reason: 'nothing to reopen' } });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain('data-error-code="CONFLICT"');
    expect(page).toContain('data-current-state="filed"');
    expect(g.objections.get(o.id)!.state).toBe('filed');
  });

  it("names the admin and the incident's reason for a dataset suspended by incident response", async () => {
    g.respondToIncident(principals.admin!, { suspend: ['transit'], reason: 'credential leak' });
    try {
      const page = await html(await signedIn(tokens.admin), '/console/queues?lang=en');
      const row = /<tr data-suspended-dataset="transit"[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';
      expect(row).toContain('dmd-admin');
      expect(row).toContain('credential leak');
      expect(row).toContain('incident response');
    } finally {
      g.respondToIncident(principals.admin!, { restore: ['transit'], reason: 'handled' });
    }
  });
});

describe('catalog change proposals', () => {
  const propose = () =>
    g.catalogChanges.propose(principals.steward!, {
      dataset: 'social_security',
      reason: 'clearer table title',
      edits: [{ op: 'set_title', table: 'insured', title: { zh: '参保人员', en: 'Insured persons' } }],
    }).change;

  it('lets an admin review a proposal (a rejection needs a reason) and shows the steward the outcome read only', async () => {
    const c = propose();
    const steward = await html(await signedIn(tokens.steward), '/console/queues');
    expect(rowOf(steward, c.id)).toContain('data-state="proposed"');
    expect(steward).not.toContain(`action="/console/queues/catalog-changes/${c.id}/review"`);
    expect(steward).toContain('set_title insured');

    const admin = await signedIn(tokens.admin);
    const page = await html(admin, '/console/queues');
    expect(page).toContain(`action="/console/queues/catalog-changes/${c.id}/review"`);
    const token = TestBrowser.field(page, 'formToken');
    const noReason = await admin.fetch(`/console/queues/catalog-changes/${c.id}/review`, { form: { formToken: token, decision: 'reject', reason: '' } });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('data-error-code="BAD_REQUEST"');
    const res = await admin.fetch(`/console/queues/catalog-changes/${c.id}/review`, { form: { formToken: token, decision: 'approve', reason: '' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/queues?done=catalog.change_approved#item-${c.id}`);
    expect(g.catalogChanges.get(c.id)!.state).toBe('approved');
    const again = await admin.fetch(`/console/queues/catalog-changes/${c.id}/review`, { form: { formToken: token, decision: 'reject', reason: 'too late' } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('data-current-state="approved"');
  });

  it("refuses a steward's review with FORBIDDEN", async () => {
    const c = propose();
    const b = await signedIn(tokens.steward);
    const res = await b.fetch(`/console/queues/catalog-changes/${c.id}/review`, { form: { formToken: await formToken(b), decision: 'approve' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-error-code="FORBIDDEN"');
    expect(g.catalogChanges.get(c.id)!.state).toBe('proposed');
  });
});

describe('filters', () => {
  it('shows only overdue applications when asked, and only the chosen state', async () => {
    const late = submit(12);
    const fresh = submit(0);
    const b = await signedIn(tokens.steward);
    const overdue = await html(b, '/console/queues?overdue=1');
    expect(overdue).toContain(late.id);
    expect(overdue).not.toContain(fresh.id);
    const approved = await html(b, '/console/queues?applicationState=approved');
    expect(approved).not.toContain(late.id);
    expect([...approved.matchAll(/<tr id="item-[^"]+" data-application-id="[^"]+" data-state="([a-z_]+)"/g)].map((m) => m[1])).toEqual(
      expect.arrayContaining(['approved']),
    );
    expect(approved).not.toMatch(/data-application-id="[^"]+" data-state="pending"/);
  });

  it('speaks Chinese on request, and a language link from a refused form leads back to the queues', async () => {
    const b = await signedIn(tokens.steward);
    const zh = await html(b, '/console/queues?lang=zh');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('治理待办队列');
    const back = await b.fetch(`/console/queues/applications/${submit(0).id}/decision?lang=en`);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/console/queues');
    expect(await html(b, '/console/queues')).toContain('<html lang="en">');
  });

  it('refuses an unknown state or a repeated filter with a 400 page that keeps the form', async () => {
    const b = await signedIn(tokens.steward);
    for (const q of ['applicationState=lost', 'dataset=Bad!', 'overdue=1&overdue=1']) {
      const res = await b.fetch(`/console/queues?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text()).toContain('data-notice="bad-filter"');
    }
  });
});
