// The ε ledger: reservations never overspend, whatever the interleaving, and what was spent survives a
// restart because it is rebuilt from the real lineage log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { openLineageStore } from '../lineage/embedded-store.ts';
import type { LineageEntry } from '../lineage/record.ts';
import type { LineageStore } from '../lineage/store.ts';
import { generateTestKeys, silentLog } from '../lineage/test-keys.ts';
import { BudgetLedger } from './budget-ledger.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

const codeOf = (f: () => unknown): string | undefined => {
  try { f(); } catch (e) { if (e instanceof AppError) return e.code; throw e; }
  return undefined;
};

const charge = (subject: string, epsilon: number, budgetAfter: Record<string, number> | null): LineageEntry => ({
  kind: 'query', subject, org: 'o', roles: ['developer'], licenseId: 'l', purpose: 'p', application: null,
  request: { sql: 'SELECT count(*) FROM health.medical_claims', normalizedSql: null, executedSql: null, fingerprint: null, mode: 'aggregate' },
  decision: { effect: 'allow', reasons: [] },
  inputs: [{ dataset: 'health', table: 'medical_claims', column: 'id_card', level: 'L4', usage: ['aggregate'] }],
  outputs: [],
  protections: { profile: 'dp', epsilonCharged: epsilon, noise: { mechanism: 'discrete_laplace', scale: 5, epsilon } },
  result: null, budgetAfter, timings: { totalMs: 1 }, engine: { duckdb: 'x', dsbx: 'x' }, dataVersion: 'd', catalogVersion: 'c',
});

describe('BudgetLedger reservations', () => {
  it('never lets reservations together exceed the allocation, however many arrive at once', async () => {
    const ledger = new BudgetLedger(10);
    const attempts = await Promise.allSettled(Array.from({ length: 200 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i % 7));
      const r = ledger.reserve('dev', ['health'], 0.3);
      await new Promise((res) => setTimeout(res, 1));
      r.commit();
      return r.epsilon;
    }));
    const charged = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    expect(charged.length).toBe(33);
    expect(charged.reduce((s, e) => s + e, 0)).toBeLessThanOrEqual(10);
    expect(attempts.filter((a) => a.status === 'rejected').every((a) => (a as PromiseRejectedResult).reason.code === 'BUDGET_EXHAUSTED')).toBe(true);
    expect(ledger.lines('dev', ['health'])[0]).toMatchObject({ allocation: 10, spent: 9.9 });
  });

  it('counts held ε as spent until the query is settled, and gives it back only when cancelled', () => {
    const ledger = new BudgetLedger(1);
    const r = ledger.reserve('dev', ['health'], 0.75);
    expect(codeOf(() => ledger.reserve('dev', ['health'], 0.5))).toBe('BUDGET_EXHAUSTED');
    r.cancel();
    r.commit(); // settled once: a cancelled reservation cannot be charged afterwards
    expect(ledger.lines('dev', ['health'])[0]!.spent).toBe(0);
    ledger.reserve('dev', ['health'], 1).commit();
    expect(codeOf(() => ledger.reserve('dev', ['health'], 0.000001))).toBe('BUDGET_EXHAUSTED');
  });

  it('keeps budgets apart per subject and per dataset, and sums micro-ε without drift', () => {
    const ledger = new BudgetLedger(1);
    for (let i = 0; i < 10; i++) ledger.reserve('a', ['health'], 0.1).commit();
    expect(ledger.lines('a', ['health'])[0]).toMatchObject({ spent: 1, remaining: 0 });
    expect(ledger.lines('b', ['health'])[0]).toMatchObject({ spent: 0, remaining: 1 });
    expect(ledger.lines('a', ['other'])[0]).toMatchObject({ spent: 0, remaining: 1 });
  });
});

describe('BudgetLedger.fromLineage', () => {
  it('rebuilds the spent budget after a restart from the charges in the log, ignoring uncharged records', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-ledger-'));
    dirs.push(dir);
    const keys = await generateTestKeys();
    const open = () => openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
    const store = await open();
    await store.append(charge('dev', 0.5, { health: 9.5 }));
    await store.append(charge('dev', 1.25, { health: 8.25 }));
    await store.append(charge('dev', 0, { health: 8.25 })); // a repeat served from the recorded answer
    await store.append(charge('other', 2, { health: 8 }));
    await store.append(charge('dev', 3, null)); // no budget named: not a charge against health
    await store.append({ ...charge('dev', 0.25, { health: 8 }), inputs: [] }); // SELECT count(*): no input column
    await store.close();

    const reopened = await open();
    const ledger = await BudgetLedger.fromLineage(reopened, 10, ['health']);
    await reopened.close();
    expect(ledger.lines('dev', ['health'])[0]).toMatchObject({ spent: 2, remaining: 8 });
    expect(ledger.lines('other', ['health'])[0]).toMatchObject({ spent: 2 });
  });

  it('sums the same from the index of a store opened from segment sidecars as from replaying every record', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-ledger-'));
    dirs.push(dir);
    const keys = await generateTestKeys();
    const open = () => openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog, segmentMaxRecords: 3 });
    const store = await open();
    for (let i = 0; i < 20; i++) {
      await store.append(charge(`dev-${i % 3}`, 0.125 * (i % 4), i % 5 === 4 ? null : { health: 1, transit: 1 }));
      await store.append({ ...charge(`dev-${i % 3}`, 0.5, { transit: 1 }), kind: 'explain' }); // not a query: never a charge
    }
    await store.close();
    const names = fs.readdirSync(dir).filter((n) => n.endsWith('.idx'));
    expect(names.length).toBeGreaterThan(10);

    const reopened = await open();
    expect(reopened.epsilonCharges).toBeDefined();
    const fromIndex = await BudgetLedger.fromLineage(reopened, 10, ['health', 'transit']);
    // The same real store, seen only through list(): the ledger replays the records instead.
    const listOnly = { list: reopened.list.bind(reopened) } as Pick<LineageStore, 'list'> as LineageStore;
    const replayed = await BudgetLedger.fromLineage(listOnly, 10, ['health', 'transit']);
    await reopened.close();
    for (const subject of ['dev-0', 'dev-1', 'dev-2']) {
      expect(fromIndex.lines(subject, ['health', 'transit'])).toEqual(replayed.lines(subject, ['health', 'transit']));
    }
    expect(fromIndex.lines('dev-1', ['health'])[0]!.spent).toBeGreaterThan(0);
  });
});
