// Governance events and their lineage records: a record claims its own actor's events, and recovery at startup
// writes a record, marked recovered, for every event no record names (the crash gap), once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLineageStore } from '../lineage/embedded-store.ts';
import type { LineageRecord } from '../lineage/record.ts';
import type { LineageStore } from '../lineage/store.ts';
import { generateTestKeys, silentLog } from '../lineage/test-keys.ts';
import { openNdjsonEventLog, type GovernanceEventLog, type NewGovernanceEvent } from './event-log.ts';
import { EventRecordClaims, recordMissingTransitions } from './event-log-records.ts';
import { governanceLineageEntry, type GovernanceLineageContext } from './lineage-entry.ts';

const context: GovernanceLineageContext = { engine: { duckdb: 'test', dsbx: 'test' }, dataVersion: 'd', catalogVersion: 'c' };
const CONTACT = 'objector-phone-13900001111';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function setup(): Promise<{ log: GovernanceEventLog; store: LineageStore; records: () => Promise<LineageRecord[]> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-gov-records-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const keys = await generateTestKeys();
  const store = await openLineageStore({ dir: path.join(dir, 'lineage'), signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
  cleanups.push(() => store.close());
  const log = openNdjsonEventLog(path.join(dir, 'state', 'governance.ndjson'));
  cleanups.push(() => log.close());
  return { log, store, records: async () => (await store.list({ kind: 'governance' }, { limit: 1000 })).records.reverse() };
}

const event = (sub: string, type: string, subject: string, data: Record<string, unknown> = {}): NewGovernanceEvent => ({ type, subject, actor: { sub, org: `${sub}-org` }, data });
const by = (sub: string) => ({ sub, org: `${sub}-org`, roles: ['steward' as const], datasets: [] as string[], jti: `${sub}-jti`, exp: 0 });

describe('EventRecordClaims', () => {
  it("gives each record its own actor's unclaimed events, however the transitions interleave", async () => {
    const { log } = await setup();
    log.append(event('before', 'objection.filed', 'o0'));
    const claims = new EventRecordClaims(log);
    log.append(event('alice', 'application.submitted', 'a1'));
    log.append(event('bob', 'incident.suspended', 'i1'));
    log.append(event('bob', 'incident.restored', 'i1'));
    expect(claims.claim('bob')).toEqual([3, 4]);
    expect(claims.claim('alice')).toEqual([2]);
    expect(claims.claim('alice')).toEqual([]);
    // What predates the claims is left to recovery.
    expect(claims.claim('before')).toEqual([]);
  });
});

describe('recordMissingTransitions', () => {
  it('records, marked recovered, each event that no record names, and names what it recorded', async () => {
    const { log, store, records } = await setup();
    const e1 = log.append(event('alice', 'application.submitted', 'app-1', { provider: 'qqhr-hrss', request: { scope: { datasets: ['social_security'] } } }));
    await store.append(governanceLineageEntry(by('alice'), { action: e1.type, reason: null, application: 'app-1', datasets: ['social_security'], events: [e1.seq] }, context));
    // The crash gap: fsync'd to the governance log, the process died before the lineage record.
    log.append(event('carol', 'objection.filed', 'obj-1', { provider: 'qqhr-bus', request: { dataset: 'transit', contact: CONTACT } }));
    log.append(event('bus', 'objection.suspended', 'obj-1', { reason: 'checking', datasets: ['transit'] }));

    expect(await recordMissingTransitions(log.events, store, context)).toEqual([2, 3]);
    const written = (await records()).slice(1);
    expect(written.map((r) => [r.subject, r.licenseId, r.purpose, r.governance, r.decision.reasons])).toEqual([
      ['carol', null, null, { events: [2], recovered: true }, [{ rule: 'objection.filed', message: 'governance transition', column: 'transit' }]],
      ['bus', null, 'checking', { events: [3], recovered: true }, [{ rule: 'objection.suspended', message: 'governance transition', column: 'transit' }]],
    ]);
    expect(JSON.stringify(written)).not.toContain(CONTACT);
  });

  it('names the application an application event concerns', async () => {
    const { log, store, records } = await setup();
    log.append(event('hrss', 'application.approved', 'app-9'));
    await recordMissingTransitions(log.events, store, context);
    expect((await records())[0]).toMatchObject({ application: 'app-9', governance: { events: [1], recovered: true } });
  });

  it('writes nothing the second time: the recovered records cover their events', async () => {
    const { log, store, records } = await setup();
    log.append(event('alice', 'application.submitted', 'app-1'));
    expect(await recordMissingTransitions(log.events, store, context)).toEqual([1]);
    expect(await recordMissingTransitions(log.events, store, context)).toEqual([]);
    expect(await records()).toHaveLength(1);
    expect((await store.verify()).ok).toBe(true);
  });

  it('treats events older than a record that names no events (written before records named them) as recorded', async () => {
    const { log, store } = await setup();
    log.append(event('alice', 'application.submitted', 'app-1'), new Date(Date.now() - 60_000));
    const legacy = governanceLineageEntry(by('alice'), { action: 'application.submitted', reason: null, application: 'app-1', datasets: [] }, context);
    expect(legacy).not.toHaveProperty('governance');
    await store.append(legacy);
    log.append(event('bob', 'application.submitted', 'app-2'), new Date(Date.now() + 60_000));
    expect(await recordMissingTransitions(log.events, store, context)).toEqual([2]);
  });
});
