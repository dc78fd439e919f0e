// Conditional-share applications over HTTP (arts. 14–15) through the real service: every legal transition
// of the state machine, the illegal ones answered CONFLICT with the current state, who may act, the
// one-working-day deadline, lineage records of kind 'governance', and durability across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';
import path from 'node:path';
import { ApplicationBook } from '../src/governance/applications.ts';
import { openNdjsonEventLog } from '../src/governance/event-log.ts';
import { loadCalendar } from '../src/governance/working-days.ts';

let t: TestService;
let applicant: string;
let otherApplicant: string;
let steward: string;
let otherSteward: string;
let admin: string;
let reviewer: string;

const post = (path: string, body: unknown, token: string) => t.post(path, body, token);

const application = (over: Record<string, unknown> = {}) => ({
  legalBasis: 'Measures art. 14; research agreement 2026-17',
  purpose: 'employment trends by insurance type',
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.insurance_type', 'social_security.insured.status'] },
  method: 'aggregate',
  period: { from: '2026-01-01', to: '2026-12-31' },
  ...over,
});

const submit = async (token = applicant) => {
  const res = await post('/v1/applications', application(), token);
  expect(res.status).toBe(201);
  return (await json(res)).application as Record<string, any>;
};

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  applicant = await t.token('researcher', { sub: 'alice', org: 'univ-a', datasets: [] });
  otherApplicant = await t.token('developer', { sub: 'bob', org: 'startup-b', datasets: [] });
  steward = await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' });
  otherSteward = await t.token('steward', { sub: 'psb-steward', org: 'qqhr-psb' });
  admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  reviewer = await t.token('reviewer');
});
afterAll(async () => t?.cleanup());

describe('POST /v1/applications', () => {
  it('files a pending application with a one-working-day deadline and records it in lineage', async () => {
    const res = await post('/v1/applications', application(), applicant);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.application).toMatchObject({ state: 'pending', provider: 'qqhr-hrss', applicant: { sub: 'alice', org: 'univ-a' }, overdue: false });
    expect(body.application.deadline > body.application.submittedAt.slice(0, 10)).toBe(true);
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'alice', org: 'univ-a', application: body.application.id });
    expect(rec.decision.reasons[0].rule).toBe('application.submitted');
  });

  it('refuses a scope naming a column outside its tables with BAD_REQUEST', async () => {
    const res = await post('/v1/applications', application({ scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['population.residents.district'] } }), applicant);
    expect((await json(res)).error.code).toBe('BAD_REQUEST');
  });

  it('refuses an unconditionally shared dataset, an unknown dataset and datasets of two providers', async () => {
    for (const datasets of [['market'], ['nope'], ['social_security', 'population']]) {
      const res = await post('/v1/applications', application({ scope: { datasets, tables: ['social_security.insured'], columns: ['social_security.insured.status'] } }), applicant);
      expect((await json(res)).error.code).toBe('BAD_REQUEST');
    }
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await post('/v1/applications', application({ period: { from: '2026-12-31', to: '2026-01-01' } }), applicant);
    expect((await json(res)).error.code).toBe('BAD_REQUEST');
  });

  it('is not open to a steward or a reviewer (FORBIDDEN)', async () => {
    expect((await json(await post('/v1/applications', application(), steward))).error.code).toBe('FORBIDDEN');
    expect((await json(await post('/v1/applications', application(), reviewer))).error.code).toBe('FORBIDDEN');
  });
});

describe('GET /v1/applications', () => {
  it('shows the applicant their own, the providing steward theirs, another provider none, an admin all', async () => {
    const mine = await submit();
    const bobs = await submit(otherApplicant);
    const ids = async (token: string) => (await json(await t.request('/v1/applications', { token }))).applications.map((a: any) => a.id);
    expect(await ids(applicant)).toContain(mine.id);
    expect(await ids(applicant)).not.toContain(bobs.id);
    expect(await ids(steward)).toEqual(expect.arrayContaining([mine.id, bobs.id]));
    expect(await ids(otherSteward)).toEqual([]);
    expect(await ids(admin)).toEqual(expect.arrayContaining([mine.id, bobs.id]));
    expect((await json(await t.request(`/v1/applications/${bobs.id}`, { token: applicant }))).error.code).toBe('NOT_FOUND');
    expect((await json(await t.request(`/v1/applications/${mine.id}`, { token: applicant }))).state).toBe('pending');
  });
});

describe('POST /v1/applications/{id}/decision', () => {
  it('lets the providing steward approve once; a second decision is CONFLICT with the current state', async () => {
    const a = await submit();
    const res = await post(`/v1/applications/${a.id}/decision`, { decision: 'approve' }, steward);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.application).toMatchObject({ state: 'approved', overdue: false });
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'hrss-steward', org: 'qqhr-hrss', application: a.id });
    const again = await post(`/v1/applications/${a.id}/decision`, { decision: 'deny', reason: 'changed mind' }, steward);
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatchObject({ code: 'CONFLICT', details: { state: 'approved' } });
  });

  it('refuses a denial without a reason (BAD_REQUEST) and records the reason of one with it', async () => {
    const a = await submit();
    expect((await json(await post(`/v1/applications/${a.id}/decision`, { decision: 'deny' }, steward))).error.code).toBe('BAD_REQUEST');
    const body = await json(await post(`/v1/applications/${a.id}/decision`, { decision: 'deny', reason: 'purpose not covered by the legal basis' }, steward));
    expect(body.application).toMatchObject({ state: 'denied', reason: 'purpose not covered by the legal basis' });
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec.purpose).toBe('purpose not covered by the legal basis');
  });

  it('hides the application from a steward of another organisation and refuses an applicant (NOT_FOUND, FORBIDDEN)', async () => {
    const a = await submit();
    expect((await json(await post(`/v1/applications/${a.id}/decision`, { decision: 'approve' }, otherSteward))).error.code).toBe('NOT_FOUND');
    expect((await json(await post(`/v1/applications/${a.id}/decision`, { decision: 'approve' }, applicant))).error.code).toBe('FORBIDDEN');
    expect((await json(await t.request(`/v1/applications/${a.id}`, { token: applicant }))).state).toBe('pending');
  });
});

describe('coordination by the data management department', () => {
  it('runs denied → coordination_requested → coordination_granted, with the reasons kept', async () => {
    const a = await submit();
    await post(`/v1/applications/${a.id}/decision`, { decision: 'deny', reason: 'not needed' }, steward);
    const asked = await json(await post(`/v1/applications/${a.id}/coordination`, { reason: 'the study is funded by the city' }, applicant));
    expect(asked.application.state).toBe('coordination_requested');
    const granted = await json(await post(`/v1/applications/${a.id}/coordination/decision`, { decision: 'grant', reason: 'public interest' }, admin));
    expect(granted.application).toMatchObject({ state: 'coordination_granted', coordination: { outcome: 'grant', decisionReason: 'public interest' } });
    const rec = await json(await t.request(`/v1/lineage/${granted.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'dmd-admin', purpose: 'public interest' });
  });

  it('upholds a denial; no second coordination is possible (CONFLICT)', async () => {
    const a = await submit();
    await post(`/v1/applications/${a.id}/decision`, { decision: 'deny', reason: 'no' }, steward);
    await post(`/v1/applications/${a.id}/coordination`, { reason: 'please' }, applicant);
    const upheld = await json(await post(`/v1/applications/${a.id}/coordination/decision`, { decision: 'uphold', reason: 'the denial stands' }, admin));
    expect(upheld.application.state).toBe('coordination_upheld');
    const again = await post(`/v1/applications/${a.id}/coordination`, { reason: 'again' }, applicant);
    expect((await json(again)).error).toMatchObject({ code: 'CONFLICT', details: { state: 'coordination_upheld' } });
    const twice = await post(`/v1/applications/${a.id}/coordination/decision`, { decision: 'grant', reason: 'x' }, admin);
    expect((await json(twice)).error).toMatchObject({ code: 'CONFLICT', details: { state: 'coordination_upheld' } });
  });

  it('refuses coordination of a pending or approved application (CONFLICT), by someone else (NOT_FOUND) or by a non-admin (FORBIDDEN)', async () => {
    const a = await submit();
    expect((await json(await post(`/v1/applications/${a.id}/coordination`, { reason: 'x' }, applicant))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'pending' } });
    expect((await json(await post(`/v1/applications/${a.id}/coordination/decision`, { decision: 'grant', reason: 'x' }, admin))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'pending' } });
    expect((await json(await post(`/v1/applications/${a.id}/coordination/decision`, { decision: 'grant', reason: 'x' }, steward))).error.code).toBe('FORBIDDEN');
    await post(`/v1/applications/${a.id}/decision`, { decision: 'deny', reason: 'no' }, steward);
    expect((await json(await post(`/v1/applications/${a.id}/coordination`, { reason: 'x' }, otherApplicant))).error.code).toBe('NOT_FOUND');
    const b = await submit();
    await post(`/v1/applications/${b.id}/decision`, { decision: 'approve' }, steward);
    expect((await json(await post(`/v1/applications/${b.id}/coordination`, { reason: 'x' }, applicant))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'approved' } });
  });
});

describe('durability', () => {
  it('replays every application and its state from the event log when it is opened again', async () => {
    const a = await submit();
    await post(`/v1/applications/${a.id}/decision`, { decision: 'approve' }, steward);
    const before = (await json(await t.request('/v1/applications', { token: admin }))).applications;
    // A second reader of the same file: what a restarted service would replay at startup.
    const log = openNdjsonEventLog(path.join(t.home, 'state', 'governance.ndjson'));
    try {
      const book = new ApplicationBook(log, loadCalendar(t.config.policiesDir), t.service.deps.catalog);
      const after = book.list({ sub: 'x', org: 'x', roles: ['admin'], datasets: [], jti: 'x', exp: 0 });
      expect(after.map((x) => [x.id, x.state])).toEqual(before.map((x: any) => [x.id, x.state]));
      expect(book.get(a.id)?.state).toBe('approved');
      expect(book.view(book.get(a.id)!).deadline).toBe(a.deadline);
    } finally {
      log.close();
    }
  });
});
