// The console in a real browser (Debian's chromium driven by playwright-core) against a live server on a
// generated domain, after real traffic from two developers: sign in with a reviewer token, filter the lineage
// log by subject and by decision, open a record and read its column-lineage graph, re-verify the chain, switch
// language, sign out, and see a developer refused; then a steward works the governance queues (an overdue
// application, a denial without a reason refused, an approval, a suspension through an objection that the
// query API then enforces). Screenshots go to test/artifacts/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { listen, type RunningServer } from '../src/server.ts';
import type { LineageRecord } from '../src/lineage/record.ts';
import { sampleEntry } from '../src/lineage/sample-entries.ts';
import { cachedDomainFile } from './support/domain.ts';
import { testService, type TestService } from './support/service.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');

let t: TestService;
let server: RunningServer;
let context: BrowserContext;
let page: Page;
let profile: string;
const cspViolations: string[] = [];
const traffic: { subject: string; lineageId: string; status: number; sql: string }[] = [];
const charged: LineageRecord[] = [];
/** Records the service wrote itself before any traffic (e.g. at startup), counted in every total below. */
let baseline = 0;

async function query(token: string, subject: string, sql: string, route = '/v1/query', extra: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql, purpose: `console test: ${subject}`, ...extra }),
  });
  const body = (await res.json()) as { lineageId?: string; error?: { lineageId?: string } };
  const lineageId = body.lineageId ?? body.error?.lineageId;
  if (!lineageId) throw new Error(`no lineage id for a ${res.status} answer`);
  traffic.push({ subject, lineageId, status: res.status, sql });
}

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
const rows = () => page.locator('[data-testid="lineage-table"] tbody tr');

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does this)`);
  t = await testService({ domain: await cachedDomainFile(3000) });
  server = await listen(t.service.app, '127.0.0.1', 0);
  baseline = t.service.queryPath!.lineage.head().count;
  const alice = await t.token('developer', { sub: 'dev-alice', org: 'qiqihar-transit-lab' });
  const bob = await t.token('developer', { sub: 'dev-bob', org: 'heating-analytics' });
  await query(alice, 'dev-alice', 'SELECT district, count(*) AS n FROM population.residents GROUP BY district');
  await query(alice, 'dev-alice', 'SELECT id_card, name FROM population.residents');
  await query(alice, 'dev-alice', 'SELECT ethnicity, count(*) AS n FROM population.residents GROUP BY 1', '/v1/query/explain');
  await query(alice, 'dev-alice', "SELECT count(*) FROM population.residents WHERE name LIKE '张%'");
  await query(bob, 'dev-bob', 'SELECT gender, count(*) AS people FROM population.residents GROUP BY gender');
  await query(bob, 'dev-bob', 'SELECT * FROM read_csv(\'/etc/passwd\')');
  const zhao = await t.token('researcher', { sub: 'res-zhao', org: 'qiqihar-university' });
  await query(zhao, 'res-zhao', 'SELECT hospital_level, count(*) AS n FROM health.medical_claims GROUP BY hospital_level', '/v1/query', { dp: { epsilon: 0.5 } });
  // Two dp releases in the shape the query path records them (protections.epsilonCharged, budgetAfter),
  // appended to the service's own log, so that the budgets page has charges whatever the dp path answers.
  for (const i of [1, 5]) charged.push(await t.service.queryPath!.lineage.append(sampleEntry(i)));

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'en-US',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await t?.cleanup();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

describe('the reviewers console in a browser', () => {
  it('signs a reviewer in with a pasted token', async () => {
    await page.goto(`${server.url}/console/lineage?lang=en`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await shot('sign-in');
    await page.fill('textarea[name="token"]', await t.token('reviewer', { sub: 'reviewer-wang', org: 'city-data-bureau' }));
    await page.click('button[type="submit"]');
    await page.waitForURL('**/console/lineage');
    expect(await page.textContent('[data-testid="signed-in-subject"]')).toBe('reviewer-wang');
    // Every attempt is listed: the queries above, allowed and refused (and whatever the service recorded at start).
    expect(await rows().count()).toBe(baseline + traffic.length + charged.length);
    await shot('lineage');
  });

  it('filters the log by subject, then by decision', async () => {
    await page.fill('input[name="subject"]', 'dev-alice');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/subject=dev-alice/);
    const alice = traffic.filter((q) => q.subject === 'dev-alice');
    expect(await rows().count()).toBe(alice.length);
    expect(new Set(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-subject'))))).toEqual(new Set(['dev-alice']));

    await page.selectOption('select[name="decision"]', 'deny');
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/decision=deny/);
    const refused = alice.filter((q) => q.status >= 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-record-id')))).toEqual(refused.map((q) => q.lineageId).reverse());
    await shot('lineage-filtered');

    // A time window that ends before any of the traffic (times are UTC, as the form says) holds nothing.
    await page.fill('input[name="to"]', new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 16));
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/to=/);
    expect(await rows().count()).toBe(0);
  });

  it('opens a record and draws its column lineage with the right columns', async () => {
    await page.goto(`${server.url}/console/lineage?subject=dev-alice&decision=allow`);
    const allowed = traffic.find((q) => q.subject === 'dev-alice' && q.sql.includes('district'))!;
    await page.click(`tr[data-record-id="${allowed.lineageId}"] a`);
    await page.waitForURL(`**/console/lineage/${allowed.lineageId}`);
    const graph = page.locator('[data-testid="lineage-graph"]');
    const labels = await graph.locator('g[data-node]').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-node'), g.getAttribute('data-level')]));
    expect(labels).toContainEqual(['s:population.residents.district', 'L2']);
    expect(labels.map(([k]) => k)).toEqual(expect.arrayContaining(['o:0', 'o:1']));
    const text = await graph.textContent();
    expect(text).toContain('population.residents.district');
    expect(text).toContain('group_key');
    expect(await graph.locator('g[data-node="o:1"]').getAttribute('data-label')).toBe('n');
    // The released district column is linked from the source column through its transform.
    expect(await graph.locator('path[data-from="s:population.residents.district"][data-to="t:0"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="sql-sent"]')).toBe(allowed.sql);
    await shot('record');
  });

  it('shows a refusal with its reasons and nothing released', async () => {
    const refused = traffic.find((q) => q.sql.startsWith('SELECT id_card'))!;
    await page.goto(`${server.url}/console/lineage/${refused.lineageId}`);
    expect(await page.textContent('[data-testid="decision"]')).toContain('L4_IN_OUTPUT');
    expect(await page.locator('[data-testid="result"]').textContent()).toContain('Nothing was released');
    await shot('record-refused');
  });

  it('re-verifies the chain from the integrity page', async () => {
    await page.click('header nav a[href="/console/integrity"]');
    await page.waitForURL('**/console/integrity');
    await page.click('form[action="/console/integrity/verify"] button');
    await page.waitForURL('**/console/integrity');
    expect(await page.getAttribute('[data-testid="last-verification"] [data-verdict]', 'data-verdict')).toBe('intact');
    expect(Number(await page.textContent('[data-testid="verified-count"]'))).toBe(baseline + traffic.length + charged.length);
    await shot('integrity');
  });

  it('shows the ε each subject spent on the budgets page, with the share of the allocation used', async () => {
    const record = charged[0]!;
    await page.goto(`${server.url}/console/lineage?subject=${record.subject}`);
    expect(await page.textContent(`tr[data-record-id="${record.id}"] td:last-child`)).toBe(String(record.protections!.epsilonCharged));
    await page.click('header nav a[href="/console/budgets"]');
    await page.waitForURL('**/console/budgets');
    for (const r of charged) {
      const row = page.locator(`tr[data-subject="${r.subject}"][data-dataset="health"]`);
      expect(await row.locator('[data-testid="spent"]').textContent()).toBe(String(r.protections!.epsilonCharged));
      expect(await row.locator('svg.usebar').getAttribute('aria-label')).toMatch(/^\d+%$/);
    }
    await shot('budgets');
  });

  it('switches to Chinese and keeps the page', async () => {
    await page.goto(`${server.url}/console/lineage?lang=en`);
    await page.click('.lang a[lang="zh-CN"]');
    await page.waitForURL(/lang=zh/);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('h1')).toBe('血缘日志');
    await shot('lineage-zh');
    // The choice is remembered: the next page is in Chinese without asking again.
    await page.goto(`${server.url}/console/lineage/${traffic[0]!.lineageId}`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await shot('record-zh');
  });

  it('signs out, after which the log is closed again', async () => {
    await page.click('header form[action="/console/sign-out"] button');
    await page.waitForURL(/\/console\/sign-in\?notice=signedOut/);
    await page.goto(`${server.url}/console/lineage`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it('refuses a developer token with a 403 page', async () => {
    await page.goto(`${server.url}/console/sign-in?lang=en`);
    await page.fill('textarea[name="token"]', await t.token('developer', { sub: 'dev-alice' }));
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'), page.click('button[type="submit"]')]);
    expect(response.status()).toBe(403);
    expect(await page.getAttribute('[data-error-code]', 'data-error-code')).toBe('FORBIDDEN');
    await shot('refused-developer');
  });

  it('loaded every page under the policy without a single violation, with the stylesheet applied', async () => {
    expect(cspViolations).toEqual([]);
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')!).backgroundColor);
    expect(background).toBe('rgb(20, 33, 61)');
  });
});

describe('the stewards queues in a browser', () => {
  const SOCIAL = 'SELECT insurance_type, count(*) AS n FROM social_security.insured GROUP BY insurance_type';
  const request = {
    legalBasis: 'Measures art. 14; research agreement 2026-17',
    purpose: 'employment trends by insurance type',
    scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.insurance_type', 'social_security.insured.status'] },
    method: 'aggregate' as const,
    period: { from: '2026-01-01', to: '2026-12-31' },
  };
  let late: string;
  let fresh: string;
  let objection: string;
  let analyst: string;
  const app = (id: string) => page.locator(`tr[data-application-id="${id}"]`);
  const socialSecurityAnswer = async () => {
    const res = await fetch(`${server.url}/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: SOCIAL, purpose: 'console test: suspension' }),
    });
    return ((await res.json()) as { error?: { code?: string } }).error?.code ?? String(res.status);
  };

  beforeAll(async () => {
    const g = t.service.queryPath!.governance;
    const applicant = await t.token('researcher', { sub: 'res-li', org: 'univ-a', datasets: [] });
    // Submitted eleven days ago: the API has no clock to inject, the book does (the one the server uses).
    const submitted = g.applications.submit(await t.service.deps.verifier.verify(applicant), request, new Date(Date.now() - 11 * 24 * 3600_000));
    await g.record(await t.service.deps.verifier.verify(applicant), { action: submitted.action, reason: null, application: submitted.application.id, datasets: request.scope.datasets });
    late = submitted.application.id;
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${applicant}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    fresh = ((await (await post('/v1/applications', request)).json()) as { application: { id: string } }).application.id;
    objection = ((await (await post('/v1/objections', { dataset: 'social_security', ground: 'error', description: 'insurance types are outdated' })).json()) as { objection: { id: string } })
      .objection.id;
    analyst = await t.token('developer', { sub: 'dev-analyst', org: 'heating-analytics' });
  });

  it('signs a steward in to the queues, with the overdue application highlighted', async () => {
    await page.goto(`${server.url}/console/sign-in?lang=en`);
    await page.fill('textarea[name="token"]', await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' }));
    await page.click('button[type="submit"]');
    await page.waitForURL('**/console/queues');
    expect(await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/console/queues']);
    expect(await app(late).getAttribute('data-overdue')).toBe('true');
    expect(await app(late).locator('[data-testid="overdue"]').isVisible()).toBe(true);
    expect(await app(fresh).getAttribute('data-overdue')).toBe('false');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('tr.overdue td')!).backgroundColor)).toBe('rgb(255, 244, 229)');
    await shot('queues');
  });

  it('refuses a denial without a reason, then approves', async () => {
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/applications/${fresh}/decision`) && r.request().method() === 'POST'),
      app(fresh).locator('button[value="deny"]').click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.getAttribute('[data-notice="refused"]', 'data-error-code')).toBe('BAD_REQUEST');
    expect(await app(fresh).getAttribute('data-state')).toBe('pending');
    await shot('queues-refused');

    await app(fresh).locator('button[value="approve"]').click();
    await page.waitForURL(/done=application\.approved/);
    expect(await app(fresh).getAttribute('data-state')).toBe('approved');
  });

  it('suspends the dataset through the objection, and the query API then answers DATASET_SUSPENDED', async () => {
    expect(await socialSecurityAnswer()).not.toBe('DATASET_SUSPENDED');
    const row = page.locator(`tr[data-objection-id="${objection}"]`);
    await row.locator('textarea[name="reason"]').fill('checking the insurance types');
    await row.locator('button[value="suspend"]').click();
    await page.waitForURL(/done=objection\.suspended/);
    const suspended = page.locator('tr[data-suspended-dataset="social_security"]');
    expect(await suspended.locator('[data-testid="suspended-by"]').textContent()).toBe('hrss-steward');
    expect(await suspended.textContent()).toContain('checking the insurance types');
    expect(await socialSecurityAnswer()).toBe('DATASET_SUSPENDED');
    await shot('queues-suspended');
    expect(cspViolations).toEqual([]);
  });
});
