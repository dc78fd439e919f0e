// The crash gap between a governance event (fsync'd first) and its lineage record, end to end: a service
// records transitions naming their events; a transition whose record a crash lost is put on disk as such a
// crash leaves it (in the governance log, not in lineage); the restarted service records it, marked
// recovered, once, with a chain that still verifies; and it counts as overdue in /metrics and the report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth/issue.ts';
import { homePaths, loadConfig, type Config } from '../src/config.ts';
import { createJsonLogger } from '../src/api/logger.ts';
import { openNdjsonEventLog } from '../src/governance/event-log.ts';
import { createService, type Service } from '../src/server.ts';
import { cachedDomainFile } from './support/domain.ts';
import { json, jsonPost } from './support/service.ts';

let home: string;
let config: Config;
let service: Service | undefined;

async function start(): Promise<Service> {
  service = await createService(config, { logger: createJsonLogger(() => undefined) });
  return service;
}
async function stop(): Promise<void> {
  await service?.close();
  service = undefined;
}
const token = async (s: Service, role: 'researcher' | 'steward' | 'admin' | 'reviewer', sub: string, org: string) =>
  (await issueToken(s.keys, config, { sub, org, role, datasets: [], ttl: '1h' })).token;
const call = async (s: Service, pathname: string, init: RequestInit & { token: string }) => {
  const { token: t, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('authorization', `Bearer ${t}`);
  return s.app.request(pathname, { ...rest, headers });
};
const governanceRecords = async (s: Service) =>
  (await s.queryPath!.lineage.list({ kind: 'governance' }, { limit: 1000 })).records.reverse();

const request = {
  legalBasis: 'Measures art. 14', purpose: 'insurance mix', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
};

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-gov-recovery-'));
  fs.symlinkSync(await cachedDomainFile(3000), path.join(home, 'domain.duckdb'));
  config = loadConfig({ DSBX_HOME: home });
});
afterAll(async () => {
  await stop();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('a governance transition whose lineage record a crash lost', () => {
  it('is recorded at the next start, marked recovered, exactly once, and the chain verifies', async () => {
    let s = await start();
    const alice = await token(s, 'researcher', 'alice', 'univ-a');
    const hrss = await token(s, 'steward', 'hrss-steward', 'qqhr-hrss');
    const submitted = await json(await call(s, '/v1/applications', jsonPost(request, alice)));
    const id = submitted.application.id as string;
    expect((await call(s, `/v1/applications/${id}/decision`, jsonPost({ decision: 'approve' }, hrss))).status).toBe(200);
    // Each record names the events its transition wrote (the service may record transitions of its own, e.g. the
    // catalog version at first start): every event is named once, and alice's record names her submission.
    const before = await governanceRecords(s);
    await stop();
    const written = openNdjsonEventLog(path.join(homePaths(home).state, 'governance.ndjson'));
    const events = [...written.events];
    written.close();
    expect(before.flatMap((r) => r.governance?.events ?? []).sort((a, b) => a - b)).toEqual(events.map((e) => e.seq));
    const submission = events.find((e) => e.type === 'application.submitted' && e.subject === id)!;
    expect(before.find((r) => r.subject === 'alice')?.governance).toEqual({ events: [submission.seq] });

    // What a crash between the fsync of the event and its lineage record leaves: the event, no record.
    // Submitted on Monday 2026-01-05 and never answered, so it is long overdue.
    const log = openNdjsonEventLog(path.join(homePaths(home).state, 'governance.ndjson'));
    const lost = log.append({ type: 'application.submitted', subject: '00000000-0000-4000-8000-000000000001', actor: { sub: 'bob', org: 'startup-b' }, data: { provider: 'qqhr-hrss', request } }, new Date('2026-01-05T02:00:00Z'));
    log.close();

    s = await start();
    const records = await governanceRecords(s);
    expect(records).toHaveLength(before.length + 1);
    expect(records.at(-1)).toMatchObject({
      kind: 'governance', subject: 'bob', org: 'startup-b', licenseId: null, application: lost.subject,
      governance: { events: [lost.seq], recovered: true },
      decision: { effect: 'allow', reasons: [{ rule: 'application.submitted', column: 'social_security' }] },
    });
    expect((await s.queryPath!.lineage.verify()).ok).toBe(true);

    // The recovered transition is state like any other: overdue in the gauge and the assessment report.
    expect(await (await s.app.request('/metrics')).text()).toMatch(/^dsbx_governance_overdue\{kind="application"\} 1$/m);
    const admin = await token(s, 'admin', 'dmd-admin', 'qqhr-dmd');
    const report = await json(await call(s, '/v1/reports/providers', { token: admin }));
    expect(report.providers.find((p: any) => p.provider === 'qqhr-hrss').applications).toMatchObject({ received: 2, overdue: { open: 1 } });
    await stop();

    s = await start();
    expect(await governanceRecords(s)).toHaveLength(before.length + 1);
  });
});
