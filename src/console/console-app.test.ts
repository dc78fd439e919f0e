// The console through the real app (createApp with the real verifier, keys and an embedded lineage store on
// disk): sessions, CSRF defences, role refusals, headers, the pages' content and the language switch.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import type { AppEnv } from '../api/env.ts';
import { homePaths } from '../config.ts';
import { openLineageStore } from '../lineage/embedded-store.ts';
import type { LineageRecord } from '../lineage/record.ts';
import { sampleEntry } from '../lineage/sample-entries.ts';
import type { LineageStore } from '../lineage/store.ts';
import { silentLog } from '../lineage/test-keys.ts';
import { testService, type TestService } from '../../test/support/service.ts';
import { LINEAGE_PAGE_SIZE } from './routes/lineage-pages.tsx';
import { TestBrowser } from './test-browser.ts';

const ORIGIN = 'http://localhost';
let t: TestService;
let app: Hono<AppEnv>;
let store: LineageStore;
let records: LineageRecord[];
let reviewerToken: string;

/** A browser over this file's app (see test-browser.ts). */
class Browser extends TestBrowser {
  constructor() {
    super(app);
  }
}

beforeAll(async () => {
  t = await testService();
  const paths = homePaths(t.home);
  store = await openLineageStore({ dir: paths.lineage, signer: { kid: t.service.keys.kid, privateKey: t.service.keys.privateKey }, publicJwk: t.service.keys.publicJwk, checkpointEvery: 5, log: silentLog });
  records = [];
  for (let i = 0; i < 12; i++) records.push(await store.append(sampleEntry(i)));
  app = createApp({ ...t.service.deps, lineage: store });
  reviewerToken = await t.token('reviewer');
});
afterAll(async () => {
  await store?.close();
  await t?.cleanup();
});

describe('signing in', () => {
  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await new Browser().fetch('/console/lineage');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in');
  });

  it('starts a server-side session for a reviewer: an HttpOnly, SameSite=Strict cookie holding a random id, never the token', async () => {
    const b = new Browser();
    const res = await b.signIn(reviewerToken);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/lineage');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dsbx_console='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(reviewerToken.slice(0, 20));
    const page = await b.fetch('/console/lineage');
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain(reviewerToken.slice(-20));
  });

  it('marks the cookie Secure when the browser came over https', async () => {
    const b = new Browser();
    const page = await (await b.fetch('/console/sign-in', { headers: { 'x-forwarded-proto': 'https' } })).text();
    const res = await b.fetch('/console/sign-in', { form: { token: reviewerToken, formToken: Browser.field(page, 'formToken') }, headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.getSetCookie().find((c) => c.startsWith('dsbx_console='))).toMatch(/Secure/);
  });

  it('refuses a developer with a 403 page and makes no session', async () => {
    const b = new Browser();
    const res = await b.signIn(await t.token('developer'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-error-code="FORBIDDEN"');
    expect(b.has('dsbx_console')).toBe(false);
  });

  it('refuses a token that does not verify with 401 and the sign-in form again', async () => {
    const res = await new Browser().signIn(`${reviewerToken.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('data-notice="failed"');
  });

  it('refuses a sign-in form that did not come from our page (no matching form token)', async () => {
    const b = new Browser();
    await b.fetch('/console/sign-in');
    const res = await b.fetch('/console/sign-in', { form: { token: reviewerToken, formToken: 'forged' } });
    expect(res.status).toBe(400);
    expect(b.has('dsbx_console')).toBe(false);
  });

  it('refuses a cross-site form post before reading it', async () => {
    const b = new Browser();
    const page = await (await b.fetch('/console/sign-in')).text();
    const res = await b.fetch('/console/sign-in', { form: { token: reviewerToken, formToken: Browser.field(page, 'formToken') }, headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(b.has('dsbx_console')).toBe(false);
  });

  it('ends the session on sign-out, and the old cookie no longer opens a page', async () => {
    const b = new Browser();
    await b.signIn(reviewerToken);
    const page = await (await b.fetch('/console/lineage')).text();
    const out = await b.fetch('/console/sign-out', { form: { formToken: Browser.field(page, 'formToken') } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?notice=signedOut');
    expect((await b.fetch('/console/lineage')).status).toBe(303);
  });

  it('ends the session as soon as the license is revoked', async () => {
    const token = await t.token('reviewer', { sub: 'to-be-revoked' });
    const b = new Browser();
    await b.signIn(token);
    expect((await b.fetch('/console/lineage')).status).toBe(200);
    fs.writeFileSync(homePaths(t.home).revoked, JSON.stringify({ sub: ['to-be-revoked'] }));
    try {
      const res = await b.fetch('/console/lineage');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/console/sign-in?notice=ended');
    } finally {
      fs.rmSync(homePaths(t.home).revoked);
    }
  });
});

describe('headers', () => {
  it('gives console pages a strict policy with no script and no inline style', async () => {
    const res = await new Browser().fetch('/console/sign-in');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('leaves the API its own policy', async () => {
    const res = await app.request('/healthz');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('sends /console and /console/ to the sign-in page', async () => {
    for (const p of ['/console', '/console/']) expect((await new Browser().fetch(p)).headers.get('location')).toBe('/console/sign-in');
  });

  it('answers an unknown console path with an HTML 404 under the console policy', async () => {
    for (const p of ['/console/nothing', '/console/lineage/not-an-id']) {
      const b = new Browser();
      if (p.includes('lineage')) await b.signIn(reviewerToken);
      const res = await b.fetch(p);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("style-src 'self'");
      expect(await res.text()).toContain('data-error-code="NOT_FOUND"');
    }
  });
});

describe('pages', () => {
  let b: Browser;
  beforeAll(async () => {
    b = new Browser();
    await b.signIn(reviewerToken);
  });

  it('lists the records newest first, filtered by subject and decision', async () => {
    const subject = records[0]!.subject;
    const html = await (await b.fetch(`/console/lineage?subject=${subject}&decision=allow`)).text();
    const ids = [...html.matchAll(/data-record-id="([^"]+)"/g)].map((m) => m[1]);
    const expected = records.filter((r) => r.subject === subject && r.decision.effect === 'allow').map((r) => r.id).reverse();
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  it('shows a refused filter as a 400 page with the form kept', async () => {
    const res = await b.fetch('/console/lineage?decision=maybe&subject=kept');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('data-notice="bad-filter"');
    expect(html).toContain('value="kept"');
  });

  it('draws the record graph with the source columns, their levels and the released columns', async () => {
    const r = records[0]!;
    const html = await (await b.fetch(`/console/lineage/${r.id}`)).text();
    for (const i of r.inputs) expect(html).toContain(`data-label="${i.dataset}.${i.table}.${i.column}" data-level="${i.level}"`);
    for (const o of r.outputs) expect(html).toContain(`data-label="${o.column}"`);
    expect(html).toContain(r.hash);
    expect(html).toContain(r.prev);
    // Record 1 is covered by the checkpoint signed at record 5.
    expect(html).toContain(records[4]!.hash);
  });

  it('re-verifies the chain from a form carrying the session token, and refuses one without it', async () => {
    const page = await (await b.fetch('/console/integrity')).text();
    expect((await b.fetch('/console/integrity/verify', { form: { formToken: 'wrong' } })).status).toBe(403);
    const res = await b.fetch('/console/integrity/verify', { form: { formToken: Browser.field(page, 'formToken') } });
    expect(res.status).toBe(303);
    const after = await (await b.fetch('/console/integrity')).text();
    expect(after).toContain('data-verdict="intact"');
    expect(after).toMatch(new RegExp(`data-testid="verified-count">${records.length}<`));
  });

  it('lists the ε each subject spent on a dp dataset', async () => {
    const html = await (await b.fetch('/console/budgets?lang=en')).text();
    const charged = records.filter((r) => (r.protections?.epsilonCharged ?? 0) > 0);
    expect(charged.length).toBeGreaterThan(0);
    for (const subject of new Set(charged.map((r) => r.subject))) expect(html).toContain(`data-subject="${subject}" data-dataset="health"`);
  });

  it('switches language with ?lang= and remembers it', async () => {
    const zh = await (await b.fetch('/console/lineage?lang=zh')).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('血缘日志');
    expect(await (await b.fetch('/console/lineage')).text()).toContain('<html lang="zh-CN">');
    const en = await (await b.fetch('/console/lineage?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Lineage log');
  });
});

describe('pagination', () => {
  it('pages through the whole log with the older-records link, each record once, newest first', async () => {
    for (let i = records.length; i < LINEAGE_PAGE_SIZE + 7; i++) records.push(await store.append(sampleEntry(i)));
    const b = new Browser();
    await b.signIn(reviewerToken);
    const seen: string[] = [];
    let next: string | undefined = '/console/lineage';
    let pages = 0;
    while (next) {
      const html = await (await b.fetch(next)).text();
      seen.push(...[...html.matchAll(/data-record-id="([^"]+)"/g)].map((m) => m[1]!));
      next = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(records.map((r) => r.id).reverse());
  });
});

describe('without a lineage log', () => {
  it('answers 503 on the lineage pages rather than failing', async () => {
    const plain = createApp(t.service.deps);
    const page = await plain.request(`${ORIGIN}/console/sign-in`);
    const formToken = Browser.field(await page.text(), 'formToken');
    const signInCookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await plain.request(`${ORIGIN}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, cookie: signInCookie },
      body: new URLSearchParams({ token: reviewerToken, formToken }).toString(),
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('dsbx_console='))!.split(';')[0]!;
    expect((await plain.request(`${ORIGIN}/console/lineage`, { headers: { cookie: session } })).status).toBe(503);
    expect(path.isAbsolute(t.home)).toBe(true);
  });
});
