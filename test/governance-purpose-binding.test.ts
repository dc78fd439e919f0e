// Purpose binding (art. 16) over HTTP: a caller without a direct grant reaches a conditional dataset only
// through an approved application held by their organisation, in its period, covering every column the
// query uses in the mode it runs; the application id is in the query's lineage record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

let t: TestService;
let alice: string;
let carol: string;
let stranger: string;
let steward: string;
let reviewer: string;
let demo: string;

const post = (path: string, body: unknown, token: string) => t.post(path, body, token);

const COUNT_BY_TYPE = 'SELECT insurance_type, count(*) AS n FROM social_security.insured GROUP BY insurance_type';

async function application(over: { method?: string; period?: { from: string; to: string }; decide?: boolean } = {}): Promise<string> {
  const res = await post('/v1/applications', {
    legalBasis: 'Measures art. 14',
    purpose: 'insurance mix',
    scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.insurance_type', 'social_security.insured.status'] },
    method: over.method ?? 'aggregate',
    period: over.period ?? { from: '2020-01-01', to: '2099-12-31' },
  }, alice);
  const id = (await json(res)).application.id as string;
  if (over.decide !== false) expect((await post(`/v1/applications/${id}/decision`, { decision: 'approve' }, steward)).status).toBe(200);
  return id;
}

const query = (token: string, extra: Record<string, unknown> = {}, sql = COUNT_BY_TYPE) =>
  post('/v1/query', { sql, purpose: 'insurance mix', ...extra }, token);

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  alice = await t.token('researcher', { sub: 'alice', org: 'univ-a', datasets: [] });
  carol = await t.token('researcher', { sub: 'carol', org: 'univ-a', datasets: [] });
  stranger = await t.token('developer', { sub: 'mallory', org: 'startup-m', datasets: [] });
  steward = await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' });
  reviewer = await t.token('reviewer');
  demo = await t.token('developer');
});
afterAll(async () => t?.cleanup());

describe('purpose binding', () => {
  it('refuses a caller without a grant or an application (NOT_LICENSED)', async () => {
    expect((await json(await query(alice))).error.code).toBe('NOT_LICENSED');
  });

  it("answers through an approved application and records its id and the application's purpose in lineage", async () => {
    const id = await application();
    const res = await query(alice, { application: id, purpose: 'quarterly check' });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'query', application: id, purpose: 'quarterly check', applicationPurpose: 'insurance mix' });
  });

  it("records the application's purpose on a refusal too, but not the purpose of another organisation's application", async () => {
    const id = await application({ method: 'rows' });
    const refused = await json(await query(alice, { application: id }));
    expect(refused.error.code).toBe('NOT_LICENSED');
    expect(await json(await t.request(`/v1/lineage/${refused.error.lineageId}`, { token: reviewer }))).toMatchObject({ application: id, applicationPurpose: 'insurance mix' });
    const foreign = await json(await query(stranger, { application: id }));
    expect(foreign.error.code).toBe('NOT_LICENSED');
    const rec = await json(await t.request(`/v1/lineage/${foreign.error.lineageId}`, { token: reviewer }));
    expect(rec.application).toBe(id);
    expect(rec).not.toHaveProperty('applicationPurpose');
  });

  it('lets a colleague of the same organisation use it, and refuses another organisation', async () => {
    const id = await application();
    expect((await query(carol, { application: id })).status).toBe(200);
    const res = await json(await query(stranger, { application: id }));
    expect(res.error.code).toBe('NOT_LICENSED');
    expect(res.error.details.violations[0].rule).toBe('APPLICATION_NOT_USABLE');
  });

  it('refuses a column outside the approved scope', async () => {
    const id = await application();
    const res = await json(await query(alice, { application: id }, 'SELECT insurance_type, avg(monthly_base) AS b FROM social_security.insured GROUP BY insurance_type'));
    expect(res.error.code).toBe('NOT_LICENSED');
    expect(res.error.details.violations[0].rule).toBe('APPLICATION_SCOPE');
  });

  it('refuses a dataset outside the approved scope', async () => {
    const id = await application();
    const res = await json(await query(alice, { application: id }, 'SELECT district, count(*) AS n FROM population.residents GROUP BY district'));
    expect(res.error.code).toBe('NOT_LICENSED');
  });

  it('refuses a row release under an application for aggregates', async () => {
    const id = await application();
    const res = await json(await query(alice, { application: id, mode: 'rows' }, 'SELECT insurance_type, status FROM social_security.insured LIMIT 5'));
    expect(res.error.code).toBe('NOT_LICENSED');
    expect(res.error.details.violations[0].rule).toBe('APPLICATION_MODE');
  });

  it('refuses an application whose period is over, one still pending, and an unknown id', async () => {
    const expired = await application({ period: { from: '2020-01-01', to: '2020-12-31' } });
    const pending = await application({ decide: false });
    for (const id of [expired, pending, '00000000-0000-7000-8000-000000000000']) {
      const res = await json(await query(alice, { application: id }));
      expect(res.error.code).toBe('NOT_LICENSED');
      expect(res.error.details.violations[0].rule).toBe('APPLICATION_NOT_USABLE');
    }
  });

  it('refuses a denied application', async () => {
    const id = await application({ decide: false });
    await post(`/v1/applications/${id}/decision`, { decision: 'deny', reason: 'no' }, steward);
    expect((await json(await query(alice, { application: id }))).error.code).toBe('NOT_LICENSED');
  });

  it('keeps a direct grant working without an application, and binds it when one is named', async () => {
    expect((await query(demo)).status).toBe(200);
    expect((await json(await query(demo, { application: await application() }))).error.code).toBe('NOT_LICENSED');
  });

  it('needs no application for an unconditionally shared dataset', async () => {
    const res = await query(alice, {}, 'SELECT district, count(*) AS n FROM market.enterprises GROUP BY district');
    expect(res.status).toBe(200);
  });
});
