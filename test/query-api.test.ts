// End to end over HTTP against a generated domain: POST /v1/query and /explain through the real app, the
// real compiler, the sandbox process and the lineage log. Asserts what a licensed analyst and a security
// reviewer would notice: protected answers, coded refusals, and one lineage record per attempt.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

let t: TestService;
let domain: string;
let developer: string;
let reviewer: string;

const post = (path: string, body: unknown, token = developer) => t.post(path, body, token);

beforeAll(async () => {
  domain = await cachedDomainFile(3000);
  t = await testService({ domain });
  developer = await t.token('developer');
  reviewer = await t.token('reviewer');
});
afterAll(async () => t?.cleanup());

describe('POST /v1/query', () => {
  it('answers a population count by district with threshold, rounding and a lineage record', async () => {
    const res = await post('/v1/query', { sql: 'SELECT district, count(*) AS n FROM population.residents GROUP BY district', purpose: 'district planning' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.columns.map((c: any) => c.name)).toEqual(['district', 'n']);
    expect(body.columns[1].protection).toMatchObject({ kind: 'aggregate', rounded: true });
    expect(body.rows.length).toBeGreaterThan(5);
    for (const [, n] of body.rows) expect(n % 5).toBe(0);
    expect(body.disclosure.threshold).toEqual({ k: 10, rounding: 5 });
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec.decision.effect).toBe('allow');
    expect(rec.purpose).toBe('district planning');
    expect(rec.result.rowCount).toBe(body.rows.length);
    expect(rec.inputs.map((i: any) => `${i.table}.${i.column}`)).toContain('residents.district');
  });

  it('decides the groups of a large table by their rows where it can, releasing what count(DISTINCT) would, and records the SQL that answered', async () => {
    const sql = 'SELECT "month", count(*) AS n FROM utilities.power_usage GROUP BY 1 ORDER BY 1';
    const body = await json(await post('/v1/query', { sql, purpose: 'energy planning' }));
    // Directly on the domain: the months whose rows belong to at least k distinct people.
    const db = await DuckDBInstance.create(domain, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    const direct = (await conn.runAndReadAll('SELECT strftime("month", \'%Y-%m-%d\') FROM utilities.power_usage GROUP BY 1 HAVING count(DISTINCT id_card) >= 10 ORDER BY 1')).getRowsJson();
    conn.closeSync();
    db.closeSync();
    expect(direct.length).toBeGreaterThan(0);
    expect(body.rows.map((r: any) => r[0])).toEqual(direct.map((r) => r[0]));
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec.request.executedSql).toMatch(/count_star\(\) AS __dsbx_units/);

    // A join on something other than the unit could repeat a person's rows: the exact count answers.
    const joined = await json(await post('/v1/query', {
      sql: 'SELECT p."month", count(*) AS n FROM utilities.power_usage p JOIN utilities.heating_bills h ON p.district = h.district GROUP BY 1',
      purpose: 'energy planning',
    }));
    const joinRec = await json(await t.request(`/v1/lineage/${joined.lineageId}`, { token: reviewer }));
    expect(joinRec.request.executedSql).toMatch(/count\(DISTINCT/);
  });

  it('refuses an identifier in the output with POLICY_DENIED, naming the column, and records the refusal', async () => {
    const res = await post('/v1/query', { sql: 'SELECT id_card FROM population.residents', purpose: 'x' });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.code).toBe('POLICY_DENIED');
    expect(body.error.details.violations.some((v: any) => v.rule === 'L4_IN_OUTPUT')).toBe(true);
    const rec = await json(await t.request(`/v1/lineage/${body.error.lineageId}`, { token: reviewer }));
    expect(rec.decision).toMatchObject({ effect: 'deny', code: 'POLICY_DENIED' });
  });

  it('releases no group smaller than k, whatever the caller writes in HAVING', async () => {
    const res = await post('/v1/query', {
      sql: "SELECT gender, count(*) FROM population.residents WHERE birth_date = DATE '1977-03-03' AND district = '龙沙区' GROUP BY 1 HAVING count(*) >= 1",
      purpose: 'singling out attempt',
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.rows).toEqual([]);
  });

  it('masks identifiers in a row release and never returns the raw value', async () => {
    const res = await post('/v1/query', {
      sql: 'SELECT mask(id_card) AS id, district FROM population.residents LIMIT 20',
      purpose: 'row release',
      mode: 'rows',
    });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    for (const [id] of body.rows) expect(id).toMatch(/^\d{6}\*{8}[\dX*]{4}$/);
  });

  it('answers a bad body with BAD_REQUEST and still leaves a record', async () => {
    const res = await post('/v1/query', { sql: 42, purpose: 'x' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.lineageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a dataset the license does not grant with NOT_LICENSED', async () => {
    const narrow = await t.token('developer', { sub: 'narrow-dev', datasets: ['market'] });
    const res = await post('/v1/query', { sql: 'SELECT district, count(*) FROM population.residents GROUP BY 1', purpose: 'x' }, narrow);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('NOT_LICENSED');
  });

  it('is closed to reviewers, who read lineage instead', async () => {
    const res = await post('/v1/query', { sql: 'SELECT 1', purpose: 'x' }, reviewer);
    expect(res.status).toBe(403);
    expect((await json(res)).error.code).toBe('FORBIDDEN');
  });
});

describe('POST /v1/query/explain', () => {
  it('gives the protections without running the query, and is recorded', async () => {
    const res = await post('/v1/query/explain', { sql: 'SELECT ethnicity, count(*) AS n FROM population.residents GROUP BY 1', purpose: 'plan' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.decision).toBe('allow');
    expect(body.protections.threshold).toEqual({ k: 10, rounding: 5 });
    expect(body.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec.kind).toBe('explain');
    expect(rec.result).toBeNull();
  });
});

describe('lineage routes', () => {
  it('lets a reviewer filter by subject and decision, and verify the chain', async () => {
    const page = await json(await t.request('/v1/lineage?subject=test-developer&decision=deny', { token: reviewer }));
    expect(page.records.length).toBeGreaterThan(0);
    for (const r of page.records) expect(r).toMatchObject({ subject: 'test-developer', decision: { effect: 'deny' } });
    const verify = await json(await t.request('/v1/lineage/verify', { token: reviewer }));
    expect(verify.ok).toBe(true);
    expect(verify.count).toBeGreaterThan(3);
  });

  it('keeps developers out of the log but shows them their own history', async () => {
    expect((await t.request('/v1/lineage', { token: developer })).status).toBe(403);
    const history = await json(await t.request('/v1/query/history', { token: developer }));
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((i: any) => typeof i.sql === 'string')).toBe(true);
  });

  it('exports OpenLineage events, one per record', async () => {
    const res = await t.request('/v1/lineage/export', { token: reviewer });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    const verify = await json(await t.request('/v1/lineage/verify', { token: reviewer }));
    expect(lines.length).toBe(verify.count);
    expect(lines[0]).toHaveProperty('eventType');
  });
});

describe('GET /metrics', () => {
  it('counts queries by decision and code', async () => {
    const text = await (await t.request('/metrics')).text();
    expect(text).toMatch(/dsbx_queries_total\{decision="deny",code="POLICY_DENIED"\} [1-9]/);
    expect(text).toMatch(/dsbx_query_stage_seconds_bucket\{le="[^"]+",stage="compile"\}/);
  });
});
