// Catalog change proposals (art. 8) over HTTP through the real service: every legal transition, the illegal
// ones answered CONFLICT with the current state, who may act, refusals that change nothing, and what an
// applied change does to the live catalog: a new version, queries decided under it (and recorded as such,
// while older records keep theirs), and the same version and catalog after a restart.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../src/server.ts';
import { createJsonLogger } from '../src/api/logger.ts';
import { cachedDomainFile } from './support/domain.ts';
import { json, jsonPost, testService, type TestService } from './support/service.ts';

let t: TestService;
let steward: string;
let otherSteward: string;
let admin: string;
let developer: string;
let reviewer: string;
/** The running service: replaced by the restart test, closed by t.cleanup() otherwise. */
let current: Service;

const request = async (pathname: string, init: RequestInit & { token?: string } = {}) => {
  const { token, headers, ...rest } = init;
  const h = new Headers(headers);
  if (token !== undefined) h.set('authorization', `Bearer ${token}`);
  return current.app.request(pathname, { ...rest, headers: h });
};
const post = (pathname: string, body: unknown, token: string) => request(pathname, jsonPost(body, token));
const apply = (id: string, token = steward) => request(`/v1/catalog/changes/${id}/apply`, { method: 'POST', token });
const review = (id: string, body: unknown, token = admin) => post(`/v1/catalog/changes/${id}/review`, body, token);
const catalogVersion = async () => (await json(await request('/v1/catalog', { token: developer }))).catalogVersion as string;
const column = async (table: string, name: string) => {
  const ds = await json(await request('/v1/catalog/population', { token: developer }));
  return ds.tables.find((x: any) => x.name === table).columns.find((c: any) => c.name === name) as Record<string, any> | undefined;
};

const change = (edits: unknown[], over: Record<string, unknown> = {}) => ({ dataset: 'population', reason: 'annual grading review', edits, ...over });

const propose = async (edits: unknown[]) => {
  const res = await post('/v1/catalog/changes', change(edits), steward);
  expect(res.status).toBe(201);
  return (await json(res)).change as Record<string, any>;
};
const approved = async (edits: unknown[]) => {
  const c = await propose(edits);
  expect((await review(c.id, { decision: 'approve' })).status).toBe(200);
  return c;
};

const GENDER_SQL = 'SELECT gender, count(*) AS n FROM population.residents GROUP BY gender';

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  current = t.service;
  steward = await t.token('steward', { sub: 'psb-steward', org: 'qqhr-psb' });
  otherSteward = await t.token('steward', { sub: 'hrss-steward', org: 'qqhr-hrss' });
  admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  developer = await t.token('developer');
  reviewer = await t.token('reviewer');
});
afterAll(async () => {
  await current?.close();
  if (t) fs.rmSync(t.home, { recursive: true, force: true });
});

describe('GET /v1/catalog', () => {
  it('names the live catalog version as v<n>:<16 hex>, starting at 1 in a fresh home', async () => {
    const body = await json(await request('/v1/catalog', { token: developer }));
    expect(body.catalogVersion).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(body.version).toBe(1);
  });
});

describe('POST /v1/catalog/changes', () => {
  it("files a steward's proposal with a five-working-day review deadline and records it in lineage", async () => {
    const res = await post('/v1/catalog/changes', change([{ op: 'set_update_frequency', updateFrequency: 'weekly' }]), steward);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.change).toMatchObject({ state: 'proposed', dataset: 'population', provider: 'qqhr-psb', proposer: { sub: 'psb-steward' }, review: null, updateDeadline: null, applied: null, overdue: false });
    expect(body.change.reviewDeadline > body.change.proposedAt.slice(0, 10)).toBe(true);
    const rec = await json(await request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'psb-steward', purpose: 'annual grading review', catalogVersion: body.catalogVersion });
    expect(rec.decision.reasons[0]).toMatchObject({ rule: 'catalog.change_proposed', column: 'population' });
  });

  it('is refused to a steward of another organisation and to a developer (FORBIDDEN)', async () => {
    expect((await json(await post('/v1/catalog/changes', change([{ op: 'set_update_frequency', updateFrequency: 'weekly' }]), otherSteward))).error.code).toBe('FORBIDDEN');
    expect((await json(await post('/v1/catalog/changes', change([{ op: 'set_update_frequency', updateFrequency: 'weekly' }]), developer))).error.code).toBe('FORBIDDEN');
  });

  it.each([
    { name: 'a new column', edits: [{ op: 'add_column', table: 'residents', column: 'income' }], rule: 'CATALOG_CHANGE_NEEDS_DATA' },
    { name: 'a new table', edits: [{ op: 'add_table', table: 'households' }], rule: 'CATALOG_CHANGE_NEEDS_DATA' },
    { name: 'a column the table lacks', edits: [{ op: 'set_level', table: 'residents', column: 'income', level: 'L3' }], rule: 'CATALOG_CHANGE_UNKNOWN_TARGET' },
    { name: 'a table the dataset lacks', edits: [{ op: 'withdraw_column', table: 'households', column: 'gender' }], rule: 'CATALOG_CHANGE_UNKNOWN_TARGET' },
    { name: 'an entry the schema cross-checks refuse (pseudonym on an L2 column)', edits: [{ op: 'set_pseudonym', table: 'residents', column: 'gender', pseudonym: true }], rule: 'CATALOG_CHANGE_INVALID' },
    { name: 'withdrawing the privacy unit', edits: [{ op: 'withdraw_column', table: 'residents', column: 'id_card' }], rule: 'CATALOG_CHANGE_INVALID' },
    { name: 'a conditional share without a basis', edits: [{ op: 'set_share', type: 'conditional' }], rule: 'CATALOG_CHANGE_INVALID' },
  ])('refuses $name with BAD_REQUEST ($rule) and records nothing', async ({ edits, rule }) => {
    const before = (await json(await request('/v1/catalog/changes', { token: admin }))).changes.length;
    const res = await post('/v1/catalog/changes', change(edits), steward);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.details.violations[0].rule).toBe(rule);
    expect((await json(await request('/v1/catalog/changes', { token: admin }))).changes.length).toBe(before);
  });

  it('names the field paths of an invalid result, without values', async () => {
    const body = await json(await post('/v1/catalog/changes', change([{ op: 'set_pseudonym', table: 'residents', column: 'gender', pseudonym: true }]), steward));
    expect(body.error.details.problems).toEqual([{ path: expect.stringMatching(/^tables\.0\.columns\.\d+\.pseudonym$/) }]);
  });

  it('refuses an unknown edit and unknown fields as BAD_REQUEST', async () => {
    for (const edits of [[{ op: 'drop_table', table: 'residents' }], [{ op: 'set_level', table: 'residents', column: 'gender', level: 'L2', extra: 1 }], []]) {
      expect((await json(await post('/v1/catalog/changes', change(edits), steward))).error.code).toBe('BAD_REQUEST');
    }
  });
});

describe('the review and apply state machine', () => {
  it('approves (admin only), gives a ten-working-day update deadline, and answers every illegal transition with CONFLICT and the state', async () => {
    const c = await propose([{ op: 'set_title', table: 'residents', column: 'gender', title: { zh: '性别', en: 'Sex' } }]);
    expect((await json(await review(c.id, { decision: 'approve' }, steward))).error.code).toBe('FORBIDDEN');
    const early = await json(await apply(c.id));
    expect(early.error).toMatchObject({ code: 'CONFLICT', details: { state: 'proposed' } });
    const ok = await json(await review(c.id, { decision: 'approve' }));
    expect(ok.change).toMatchObject({ state: 'approved', review: { by: 'dmd-admin', decision: 'approve', reason: null }, overdue: false });
    expect(ok.change.updateDeadline > ok.change.reviewDeadline).toBe(true);
    const again = await json(await review(c.id, { decision: 'reject', reason: 'second thoughts' }));
    expect(again.error).toMatchObject({ code: 'CONFLICT', details: { state: 'approved', id: c.id } });
    expect((await json(await apply(c.id, otherSteward))).error.code).toBe('NOT_FOUND');
    const done = await apply(c.id);
    expect(done.status).toBe(200);
    expect((await json(done)).change.state).toBe('applied');
    expect((await json(await apply(c.id))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'applied' } });
    expect((await json(await review(c.id, { decision: 'approve' }))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'applied' } });
    expect((await column('residents', 'gender'))!.title.en).toBe('Sex');
  });

  it('rejects only with a reason, and a rejected change can be neither reviewed again nor applied', async () => {
    const c = await propose([{ op: 'set_bounds', table: 'residents', column: 'registered_on', bounds: null }]);
    expect((await json(await review(c.id, { decision: 'reject' }))).error.code).toBe('BAD_REQUEST');
    const rejected = await json(await review(c.id, { decision: 'reject', reason: 'bounds are needed for sums' }));
    expect(rejected.change).toMatchObject({ state: 'rejected', review: { decision: 'reject', reason: 'bounds are needed for sums' }, updateDeadline: null });
    expect((await json(await review(c.id, { decision: 'approve' }))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'rejected' } });
    expect((await json(await apply(c.id, admin))).error).toMatchObject({ code: 'CONFLICT', details: { state: 'rejected' } });
  });

  it('lists changes to an admin and to the providing steward only; another steward finds none', async () => {
    const c = await propose([{ op: 'set_update_frequency', updateFrequency: 'monthly' }]);
    expect((await json(await request('/v1/catalog/changes', { token: admin }))).changes.map((x: any) => x.id)).toContain(c.id);
    expect((await json(await request('/v1/catalog/changes', { token: steward }))).changes.map((x: any) => x.id)).toContain(c.id);
    expect((await json(await request('/v1/catalog/changes', { token: otherSteward }))).changes).toEqual([]);
    expect((await request(`/v1/catalog/changes/${c.id}`, { token: otherSteward })).status).toBe(404);
    expect((await json(await request(`/v1/catalog/changes/${c.id}`, { token: admin }))).id).toBe(c.id);
    expect((await request('/v1/catalog/changes', { token: developer })).status).toBe(403);
  });

  it('refuses to apply an approved change that no longer fits the catalog, and it stays approved', async () => {
    const a = await approved([{ op: 'set_level', table: 'residents', column: 'household_id', level: 'L2' }]);
    const b = await approved([{ op: 'set_title', table: 'residents', column: 'household_id', title: { zh: '户号', en: 'Household' } }, { op: 'withdraw_column', table: 'residents', column: 'household_id' }]);
    expect((await apply(b.id)).status).toBe(200);
    const res = await apply(a.id);
    expect((await json(res)).error.code).toBe('BAD_REQUEST');
    expect((await json(await request(`/v1/catalog/changes/${a.id}`, { token: admin }))).state).toBe('approved');
  });
});

describe('queries under an applied change', () => {
  it('decides a query by the new level, records the new version, and leaves older records with the old one', async () => {
    const before = await json(await post('/v1/query', { sql: GENDER_SQL, purpose: 'before' }, developer));
    expect(before.rows.length).toBeGreaterThan(0);
    const oldVersion = await catalogVersion();
    const c = await approved([{ op: 'set_level', table: 'residents', column: 'gender', level: 'L4' }]);
    const applied = await json(await apply(c.id));
    expect(applied.catalogVersion).not.toBe(oldVersion);
    expect(Number(applied.catalogVersion.slice(1, applied.catalogVersion.indexOf(':')))).toBe(Number(oldVersion.slice(1, oldVersion.indexOf(':'))) + 1);
    expect(applied.change.applied.catalogVersion).toBe(applied.catalogVersion);
    expect(await catalogVersion()).toBe(applied.catalogVersion);

    const after = await post('/v1/query', { sql: GENDER_SQL, purpose: 'after' }, developer);
    expect(after.status).toBe(422);
    const refused = await json(after);
    expect(refused.error.code).toBe('POLICY_DENIED');
    const newRec = await json(await request(`/v1/lineage/${refused.error.lineageId}`, { token: reviewer }));
    expect(newRec.catalogVersion).toBe(applied.catalogVersion);
    const oldRec = await json(await request(`/v1/lineage/${before.lineageId}`, { token: reviewer }));
    expect(oldRec.catalogVersion).toBe(oldVersion);
    const applyRec = await json(await request(`/v1/lineage/${applied.lineageId}`, { token: reviewer }));
    expect(applyRec.decision.reasons[0].rule).toBe('catalog.change_applied');
    expect(applyRec.catalogVersion).toBe(applied.catalogVersion);
  });

  it('refuses a query on a withdrawn column, and the catalog no longer lists it', async () => {
    const sql = 'SELECT registered_on IS NULL AS missing, count(*) AS n FROM population.residents GROUP BY 1';
    expect((await post('/v1/query', { sql, purpose: 'before withdrawal' }, developer)).status).toBe(200);
    const c = await approved([{ op: 'withdraw_column', table: 'residents', column: 'registered_on' }]);
    expect((await apply(c.id, admin)).status).toBe(200);
    expect(await column('residents', 'registered_on')).toBeUndefined();
    const res = await post('/v1/query', { sql, purpose: 'after withdrawal' }, developer);
    expect(res.status).toBe(422);
    expect((await json(res)).error.details.violations.map((v: any) => v.rule)).toContain('UNKNOWN_COLUMN');
  });

  it('records every query racing an apply under the version it was decided by: allowed under the old, refused under the new', async () => {
    const sql = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district';
    const oldVersion = await catalogVersion();
    const c = await approved([{ op: 'set_level', table: 'residents', column: 'district', level: 'L4' }]);
    const racing = Array.from({ length: 12 }, (_, i) => post('/v1/query', { sql, purpose: `race ${i}` }, developer).then(json));
    const applied = await json(await apply(c.id));
    const answers = await Promise.all(racing);
    const after = await json(await post('/v1/query', { sql, purpose: 'after the race' }, developer));
    answers.push(after);
    expect(after.error.code).toBe('POLICY_DENIED');
    for (const a of answers) {
      const id = a.lineageId ?? a.error.lineageId;
      const rec = await json(await request(`/v1/lineage/${id}`, { token: reviewer }));
      expect(rec.catalogVersion).toBe(a.error ? applied.catalogVersion : oldVersion);
      if (a.error) expect(a.error.code).toBe('POLICY_DENIED');
    }
  });

  it('keeps the version, the applied changes and the proposals across a restart', async () => {
    const version = await catalogVersion();
    const changes = (await json(await request('/v1/catalog/changes', { token: admin }))).changes.length;
    await current.close();
    current = await createService(t.config, { logger: createJsonLogger(() => undefined), queryPath: true });
    expect(await catalogVersion()).toBe(version);
    expect((await column('residents', 'gender'))!.level).toBe('L4');
    expect(await column('residents', 'registered_on')).toBeUndefined();
    expect((await json(await request('/v1/catalog/changes', { token: admin }))).changes.length).toBe(changes);
    expect((await post('/v1/query', { sql: GENDER_SQL, purpose: 'after restart' }, developer)).status).toBe(422);
  }, 60_000);
});
