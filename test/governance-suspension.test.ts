// A suspension reaches queries already in flight (arts. 19, 26), deterministically: the sandbox runs one
// query at a time, a heavy query holds that slot, a transit query waits in the sandbox queue behind it, and
// transit is suspended while it waits. The waiting query then runs, and is refused DATASET_SUSPENDED with
// nothing released; its lineage record says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

let t: TestService;
let analyst: string;
let citizen: string;
let steward: string;
let reviewer: string;

/** Three-way join on district: far slower than the query timeout at any test scale, so it holds the slot until then. */
const HEAVY = 'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON p.district = r.district JOIN utilities.heating_bills h ON h.district = r.district GROUP BY 1';
const TRANSIT = 'SELECT line, count(*) AS n FROM transit.card_trips GROUP BY line';
const TIMEOUT_MS = 2000;

const query = (sql: string) => t.post('/v1/query', { sql, purpose: 'ops' }, analyst);

/** Resolves once the sandbox reports the wanted state: waits on what the sandbox says, not on a guessed delay. */
async function sandboxReaches(wanted: (s: { inFlight: number; queued: number }) => boolean): Promise<void> {
  const sandbox = t.service.queryPath!.sandbox;
  const deadline = Date.now() + 10_000;
  while (!wanted(sandbox.stats())) {
    if (Date.now() > deadline) throw new Error(`the sandbox never reached the wanted state: ${JSON.stringify(sandbox.stats())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  t = await testService({
    domain: await cachedDomainFile(3000),
    env: { DSBX_SANDBOX_CONCURRENCY: '1', DSBX_QUERY_TIMEOUT_MS: String(TIMEOUT_MS) },
  });
  analyst = await t.token('developer', { sub: 'analyst', org: 'lab' });
  citizen = await t.token('developer', { sub: 'citizen-1', org: 'public', datasets: [] });
  steward = await t.token('steward', { sub: 'bus-steward', org: 'qqhr-bus' });
  reviewer = await t.token('reviewer');
});
afterAll(async () => t?.cleanup());

describe('a suspension decided while a query waits in the sandbox queue', () => {
  it('refuses that query DATASET_SUSPENDED once it has run, releasing nothing, and records the refusal', async () => {
    expect((await query(TRANSIT)).status).toBe(200);

    const heavy = query(HEAVY);
    await sandboxReaches((s) => s.inFlight === 1 && s.queued === 0);
    const waiting = query(TRANSIT);
    await sandboxReaches((s) => s.inFlight === 1 && s.queued === 1);

    const filed = await json(await t.post('/v1/objections', { dataset: 'transit', ground: 'personal_privacy', description: 'identifiable trips' }, citizen));
    const suspended = await t.post(`/v1/objections/${filed.objection.id}/resolution`, { action: 'suspend', reason: 'verifying the objection' }, steward);
    expect(suspended.status).toBe(200);
    // The transit query was still waiting when the suspension took effect: the heavy query holds the only slot.
    expect(t.service.queryPath!.sandbox.stats()).toMatchObject({ inFlight: 1, queued: 1 });

    const res = await waiting;
    const body = await json(res);
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('DATASET_SUSPENDED');
    expect(body).not.toHaveProperty('rows');
    const rec = await json(await t.request(`/v1/lineage/${body.error.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'query', decision: { code: 'DATASET_SUSPENDED' }, result: null });

    expect((await json(await heavy)).error.code).toBe('QUERY_TIMEOUT');
    // And from now on transit is refused before it reaches the sandbox.
    expect((await json(await query(TRANSIT))).error.code).toBe('DATASET_SUSPENDED');
  }, 30_000);
});
