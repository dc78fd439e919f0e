// GET /v1/reports/providers (art. 29) over HTTP through the real service: an admin sees every providing
// organisation, a steward only their own, others are refused; the figures follow the applications and
// objections made through the API; the window narrows them; the overdue gauge is on /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

let t: TestService;
let alice: string;
let hrss: string;
let bus: string;
let admin: string;
let developer: string;

const post = (path: string, body: unknown, token: string) => t.post(path, body, token);
const report = (token: string, query = '') => t.request(`/v1/reports/providers${query}`, { token });

const submit = async (): Promise<string> => {
  const res = await post('/v1/applications', {
    legalBasis: 'Measures art. 14', purpose: 'insurance mix', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
    scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
  }, alice);
  expect(res.status).toBe(201);
  return (await json(res)).application.id as string;
};

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  alice = await t.token('researcher', { sub: 'alice', org: 'univ-a', datasets: [] });
  hrss = await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' });
  bus = await t.token('steward', { sub: 'bus-steward', org: 'qqhr-bus' });
  admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  developer = await t.token('developer');

  expect((await post(`/v1/applications/${await submit()}/decision`, { decision: 'approve' }, hrss)).status).toBe(200);
  expect((await post(`/v1/applications/${await submit()}/decision`, { decision: 'deny', reason: 'scope too wide' }, hrss)).status).toBe(200);
  await submit();
  const filed = await post('/v1/objections', { dataset: 'transit', ground: 'error', description: 'wrong fares' }, alice);
  const objection = (await json(filed)).objection.id as string;
  expect((await post(`/v1/objections/${objection}/resolution`, { action: 'restore', reason: 'fares checked' }, bus)).status).toBe(200);
  await post('/v1/objections', { dataset: 'transit', ground: 'omission', description: 'night lines missing' }, alice);
});
afterAll(async () => t?.cleanup());

describe('GET /v1/reports/providers', () => {
  it('gives an admin the figures of every providing organisation', async () => {
    const res = await report(admin);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.providers.map((p: any) => p.provider)).toEqual(['qqhr-bus', 'qqhr-hrss', 'qqhr-hsa', 'qqhr-psb', 'qqhr-samr', 'qqhr-utilities']);
    const hrssFigures = body.providers.find((p: any) => p.provider === 'qqhr-hrss');
    expect(hrssFigures).toMatchObject({
      datasets: ['social_security'],
      share: { conditional: 1 },
      // Both decisions came the day they were asked for: 0 working days, none late.
      applications: { received: 3, pending: 1, approved: 1, denied: 1, medianResponseWorkingDays: 0, overdue: { open: 0, decidedLate: 0 } },
    });
    expect(body.providers.find((p: any) => p.provider === 'qqhr-bus').objections).toEqual({
      received: 2, outcomes: { filed: 1, suspended: 0, withdrawn: 0, restored: 1, reopened: 0 },
    });
  });

  it("gives a steward their own organisation's figures only", async () => {
    const body = await json(await report(hrss));
    expect(body.providers.map((p: any) => p.provider)).toEqual(['qqhr-hrss']);
    expect(body.providers[0].applications.received).toBe(3);
  });

  it('counts nothing in a window before anything happened', async () => {
    const body = await json(await report(admin, '?from=2020-01-01&to=2020-12-31'));
    expect(body).toMatchObject({ from: '2020-01-01', to: '2020-12-31' });
    expect(body.providers.every((p: any) => p.applications.received === 0 && p.objections.received === 0)).toBe(true);
  });

  it('refuses a window that ends before it starts, a malformed date and an unknown parameter (BAD_REQUEST)', async () => {
    for (const q of ['?from=2026-12-31&to=2026-01-01', '?from=yesterday', '?org=qqhr-psb']) {
      expect((await json(await report(admin, q))).error.code, q).toBe('BAD_REQUEST');
    }
  });

  it('is refused to developers (FORBIDDEN) and to callers without a token (UNAUTHENTICATED)', async () => {
    expect((await json(await report(developer))).error.code).toBe('FORBIDDEN');
    expect((await json(await t.request('/v1/reports/providers'))).error.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /metrics', () => {
  it('carries the overdue gauge of applications, computed when scraped', async () => {
    const text = await (await t.request('/metrics')).text();
    // Every application here was made moments ago: none is past its deadline yet.
    expect(text).toMatch(/^dsbx_governance_overdue\{kind="application"\} 0$/m);
  });
});
