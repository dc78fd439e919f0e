// The reviewers' view of the ε budgets: for every license subject that has been charged on a dp dataset,
// the allocation, what it spent and what remains. Built from the lineage log with the ledger's own rule
// (dp/budget-ledger.ts), so the console and the query path can never disagree about what was spent.
import { BudgetLedger } from '../dp/budget-ledger.ts';
import type { LineageStore } from '../lineage/store.ts';

export interface BudgetRow {
  readonly subject: string;
  /** The organisation on the subject's latest charged record. */
  readonly org: string;
  readonly dataset: string;
  readonly allocation: number;
  readonly spent: number;
  readonly remaining: number;
  /** How many records charged ε on this dataset. */
  readonly charges: number;
  readonly lastChargedAt: string;
}

const PAGE = 1000;

/** Reads every record touching a dp dataset (newest first, a page at a time). Durable charges only. */
export async function summarizeBudgets(store: LineageStore, allocation: number, dpDatasets: readonly string[]): Promise<BudgetRow[]> {
  const ledger = new BudgetLedger(allocation);
  const seen = new Map<string, { subject: string; dataset: string; org: string; charges: number; last: string }>();
  for (const dataset of dpDatasets) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ dataset }, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const r of page.records) {
        const before = ledger.lines(r.subject, [dataset])[0]!.spent;
        ledger.addFromRecord(r, dataset);
        if (ledger.lines(r.subject, [dataset])[0]!.spent === before) continue;
        const key = JSON.stringify([r.subject, dataset]);
        const known = seen.get(key);
        // Newest first: the first charged record seen for a pair is its latest.
        if (known) known.charges += 1;
        else seen.set(key, { subject: r.subject, dataset, org: r.org, charges: 1, last: r.time });
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  const rows = [...seen.values()].map((s) => {
    const line = ledger.lines(s.subject, [s.dataset])[0]!;
    return { subject: s.subject, org: s.org, dataset: s.dataset, allocation: line.allocation, spent: line.spent, remaining: line.remaining, charges: s.charges, lastChargedAt: s.last };
  });
  // The licenses closest to exhausting their budget first.
  return rows.sort((a, b) => a.remaining - b.remaining || a.subject.localeCompare(b.subject) || a.dataset.localeCompare(b.dataset));
}
