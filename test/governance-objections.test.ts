// Objections (art. 19) and incident response (art. 26) over HTTP: every legal and illegal transition of an
// objection, the dataset status overlay seen by GET /v1/catalog and by new queries (DATASET_SUSPENDED),
// contact details kept out of lineage, and an admin revoking a license and suspending a dataset in one call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

let t: TestService;
let citizen: string;
let analyst: string;
let steward: string;
let otherSteward: string;
let admin: string;
let reviewer: string;

const post = (path: string, body: unknown, token: string) => t.post(path, body, token);

const TRANSIT = 'SELECT line, count(*) AS n FROM transit.card_trips GROUP BY line';
const UTILITIES = 'SELECT district, count(*) AS n FROM utilities.power_usage GROUP BY district';
const CONTACT = 'objector-phone-13900001111';

const object = async (token = citizen) => {
  const res = await post('/v1/objections', { dataset: 'transit', ground: 'personal_privacy', description: 'my trips are identifiable', contact: CONTACT }, token);
  expect(res.status).toBe(201);
  return (await json(res)).objection as Record<string, any>;
};
const resolve = (id: string, action: string, token = steward) => post(`/v1/objections/${id}/resolution`, { action, reason: `${action} after review` }, token);
const status = async (dataset: string) => (await json(await t.request(`/v1/catalog/${dataset}`, { token: analyst }))).status;
const query = (sql: string, token = analyst) => post('/v1/query', { sql, purpose: 'ops' }, token);

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  citizen = await t.token('developer', { sub: 'citizen-1', org: 'public', datasets: [] });
  analyst = await t.token('developer', { sub: 'analyst', org: 'lab' });
  steward = await t.token('steward', { sub: 'bus-steward', org: 'qqhr-bus' });
  otherSteward = await t.token('steward', { sub: 'psb-steward', org: 'qqhr-psb' });
  admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  reviewer = await t.token('reviewer');
});
afterAll(async () => t?.cleanup());

describe('objections', () => {
  it('files an objection from any licensee and keeps the contact out of the lineage record', async () => {
    const res = await post('/v1/objections', { dataset: 'transit', ground: 'error', description: 'wrong fares', contact: CONTACT }, citizen);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.objection).toMatchObject({ state: 'filed', provider: 'qqhr-bus', contact: CONTACT });
    const rec = await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer });
    const text = await rec.text();
    expect(JSON.parse(text)).toMatchObject({ kind: 'governance', subject: 'citizen-1' });
    expect(text).not.toContain(CONTACT);
  });

  it('refuses an objection to an unknown dataset (NOT_FOUND) and an unknown ground (BAD_REQUEST)', async () => {
    expect((await json(await post('/v1/objections', { dataset: 'nope', ground: 'error', description: 'x' }, citizen))).error.code).toBe('NOT_FOUND');
    expect((await json(await post('/v1/objections', { dataset: 'transit', ground: 'dislike', description: 'x' }, citizen))).error.code).toBe('BAD_REQUEST');
  });

  it('suspends at once: the catalog shows it and new queries get DATASET_SUSPENDED; reopening lifts it', async () => {
    expect((await query(TRANSIT)).status).toBe(200);
    const o = await object();
    const res = await resolve(o.id, 'suspend');
    expect(res.status).toBe(200);
    const rec = await json(await t.request(`/v1/lineage/${(await json(res)).lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'bus-steward', purpose: 'suspend after review' });
    expect(await status('transit')).toBe('suspended');
    expect((await json(await query(TRANSIT))).error.code).toBe('DATASET_SUSPENDED');
    const twice = await resolve(o.id, 'suspend');
    expect(twice.status).toBe(409);
    expect((await json(twice)).error.details.state).toBe('suspended');
    expect((await json(await resolve(o.id, 'reopen'))).objection.state).toBe('reopened');
    expect(await status('transit')).toBe('active');
    expect((await query(TRANSIT)).status).toBe(200);
  });

  it('restores a filed objection, after which every resolution is CONFLICT', async () => {
    const o = await object();
    expect((await json(await resolve(o.id, 'restore'))).objection.state).toBe('restored');
    for (const action of ['suspend', 'withdraw', 'restore', 'reopen']) {
      expect((await json(await resolve(o.id, action))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'restored' } });
    }
  });

  it('withdraws the data (status withdrawn, queries refused); only reopening follows', async () => {
    const o = await object();
    expect((await json(await resolve(o.id, 'reopen'))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'filed' } });
    expect((await json(await resolve(o.id, 'withdraw'))).objection.state).toBe('withdrawn');
    expect(await status('transit')).toBe('withdrawn');
    expect((await json(await query(TRANSIT))).error.code).toBe('DATASET_SUSPENDED');
    expect((await json(await resolve(o.id, 'restore'))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'withdrawn' } });
    expect((await json(await resolve(o.id, 'reopen'))).objection.state).toBe('reopened');
    expect(await status('transit')).toBe('active');
  });

  it('lets only the providing steward resolve: another steward NOT_FOUND, a developer FORBIDDEN', async () => {
    const o = await object();
    expect((await json(await resolve(o.id, 'suspend', otherSteward))).error.code).toBe('NOT_FOUND');
    expect((await json(await resolve(o.id, 'suspend', citizen))).error.code).toBe('FORBIDDEN');
    expect(await status('transit')).toBe('active');
  });

  it('shows objections to the objector and the provider, not to others; the contact only to those', async () => {
    const o = await object();
    const list = async (token: string) => (await json(await t.request('/v1/objections', { token }))).objections as any[];
    expect((await list(citizen)).find((x) => x.id === o.id)?.contact).toBe(CONTACT);
    expect((await list(steward)).some((x) => x.id === o.id)).toBe(true);
    expect((await list(otherSteward)).some((x) => x.id === o.id)).toBe(false);
    expect((await list(analyst)).some((x) => x.id === o.id)).toBe(false);
  });
});

describe('POST /v1/incidents', () => {
  it('revokes a license by subject and suspends a dataset in one call, effective at once', async () => {
    const victim = await t.token('developer', { sub: 'leaky', org: 'lab' });
    expect((await query(UTILITIES, victim)).status).toBe(200);
    const res = await post('/v1/incidents', { revoke: { subjects: ['leaky'] }, suspend: ['utilities'], reason: 'credential leak' }, admin);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ revokedSubjects: ['leaky'], suspended: ['utilities'] });
    expect((await json(await query(UTILITIES, victim))).error.code).toBe('UNAUTHENTICATED');
    expect((await json(await query(UTILITIES))).error.code).toBe('DATASET_SUSPENDED');
    expect(await status('utilities')).toBe('suspended');
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'dmd-admin', purpose: 'credential leak' });
  });

  it('restores an incident suspension once handled, and refuses suspending and restoring the same dataset', async () => {
    expect((await json(await post('/v1/incidents', { suspend: ['utilities'], restore: ['utilities'], reason: 'x' }, admin))).error.code).toBe('BAD_REQUEST');
    const res = await json(await post('/v1/incidents', { restore: ['utilities'], reason: 'leak contained' }, admin));
    expect(res.restored).toEqual(['utilities']);
    expect(await status('utilities')).toBe('active');
    expect((await query(UTILITIES)).status).toBe(200);
  });

  it('revokes by token id, keeping earlier revocations', async () => {
    const victim = await t.token('developer', { sub: 'other-leak', org: 'lab' });
    const jti = JSON.parse(Buffer.from(victim.split('.')[1]!, 'base64url').toString()).jti as string;
    expect((await post('/v1/incidents', { revoke: { tokenIds: [jti] }, reason: 'token posted publicly' }, admin)).status).toBe(200);
    expect((await json(await t.request('/v1/catalog', { token: victim }))).error.code).toBe('UNAUTHENTICATED');
    const again = await t.token('developer', { sub: 'leaky', org: 'lab' });
    expect((await json(await t.request('/v1/catalog', { token: again }))).error.code).toBe('UNAUTHENTICATED');
  });

  it('is for admins only, and refuses a call that revokes and suspends nothing or names an unknown dataset', async () => {
    expect((await json(await post('/v1/incidents', { suspend: ['transit'], reason: 'x' }, steward))).error.code).toBe('FORBIDDEN');
    expect((await json(await post('/v1/incidents', { reason: 'x' }, admin))).error.code).toBe('BAD_REQUEST');
    expect((await json(await post('/v1/incidents', { suspend: ['nope'], reason: 'x' }, admin))).error.code).toBe('BAD_REQUEST');
  });
});

describe('holds of several parties on one dataset', () => {
  it('keeps the dataset suspended until every objection and the incident that suspended it have lifted their holds', async () => {
    const a = await object();
    const b = await object();
    expect((await resolve(a.id, 'suspend')).status).toBe(200);
    expect((await resolve(b.id, 'suspend')).status).toBe(200);
    expect((await json(await resolve(b.id, 'restore'))).objection.state).toBe('restored');
    expect(await status('transit')).toBe('suspended');
    expect((await json(await query(TRANSIT))).error.code).toBe('DATASET_SUSPENDED');

    expect((await post('/v1/incidents', { suspend: ['transit'], reason: 'scraping suspected' }, admin)).status).toBe(200);
    expect((await json(await resolve(a.id, 'reopen'))).objection.state).toBe('reopened');
    expect(await status('transit')).toBe('suspended');
    expect((await json(await query(TRANSIT))).error.code).toBe('DATASET_SUSPENDED');

    expect((await post('/v1/incidents', { restore: ['transit'], reason: 'scraping ruled out' }, admin)).status).toBe(200);
    expect(await status('transit')).toBe('active');
    expect((await query(TRANSIT)).status).toBe(200);
  });

  it('keeps an objection withdrawal in force when the incident response restores the dataset', async () => {
    const o = await object();
    expect((await json(await resolve(o.id, 'withdraw'))).objection.state).toBe('withdrawn');
    expect((await post('/v1/incidents', { restore: ['transit'], reason: 'not ours to lift' }, admin)).status).toBe(200);
    expect(await status('transit')).toBe('withdrawn');
    expect((await resolve(o.id, 'reopen')).status).toBe(200);
    expect(await status('transit')).toBe('active');
  });
});
