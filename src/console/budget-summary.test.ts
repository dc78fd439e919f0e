// Tests for the reviewers' budget summary, on a real lineage store holding dp and other records.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetLedger } from '../dp/budget-ledger.ts';
import { openLineageStore } from '../lineage/embedded-store.ts';
import { sampleEntry } from '../lineage/sample-entries.ts';
import type { LineageStore } from '../lineage/store.ts';
import { generateTestKeys, silentLog } from '../lineage/test-keys.ts';
import { BudgetSummary, summarizeBudgets } from './budget-summary.ts';

let store: LineageStore;
let dir: string;
beforeAll(async () => {
  const keys = await generateTestKeys();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-console-budget-'));
  store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
  for (let i = 0; i < 12; i++) await store.append(sampleEntry(i));
  await store.append(sampleEntry(1));
});
afterAll(async () => {
  await store?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('summarizeBudgets', () => {
  it('lists each charged subject and dataset with allocation, spent and remaining, the most spent first', async () => {
    const rows = await summarizeBudgets(store, 10, ['health']);
    const dp = [1, 5, 9, 1].map((i) => sampleEntry(i));
    expect(dp.every((e) => e.protections?.epsilonCharged === 0.1)).toBe(true);
    expect(rows.map((r) => [r.subject, r.dataset, r.charges])).toEqual([
      [dp[0]!.subject, 'health', 2],
      ...[dp[2]!.subject, dp[1]!.subject].sort().map((s) => [s, 'health', 1]),
    ]);
    expect(rows[0]).toMatchObject({ allocation: 10, spent: 0.2, remaining: 9.8 });
  });

  it('agrees with the budget ledger the query path rebuilds from the same log', async () => {
    const ledger = await BudgetLedger.fromLineage(store, 10, ['health']);
    for (const row of await summarizeBudgets(store, 10, ['health'])) {
      expect(ledger.lines(row.subject, ['health'])[0]).toEqual({ dataset: 'health', allocation: row.allocation, spent: row.spent, remaining: row.remaining });
    }
  });

  it('counts only the records added since the last visit, and counts each once', async () => {
    const summary = new BudgetSummary(10, ['health']);
    const first = await summary.rows(store);
    const again = await Promise.all([summary.rows(store), summary.rows(store)]);
    expect(again).toEqual([first, first]);
    const added = await store.append(sampleEntry(5));
    const after = await summary.rows(store);
    expect(after.find((r) => r.subject === added.subject)).toMatchObject({ charges: 2, spent: 0.2, lastChargedAt: added.time });
    expect(after).toEqual(await summarizeBudgets(store, 10, ['health']));
  });

  it('lists nothing for datasets no record charged', async () => {
    expect(await summarizeBudgets(store, 10, ['utilities'])).toEqual([]);
  });
});
