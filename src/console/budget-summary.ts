// The reviewers' view of the ε budgets: for every license subject that has been charged on a dp dataset,
// the allocation, what it spent and what remains. Built from the lineage log with the ledger's own rule
// (dp/budget-ledger.ts), so the console and the query path can never disagree about what was spent. The
// first visit reads every record that touches a dp dataset; later visits read only the records added since.
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

interface Pair {
  readonly subject: string;
  readonly dataset: string;
  org: string;
  charges: number;
  lastSeq: number;
  lastTime: string;
}

const PAGE = 1000;

export class BudgetSummary {
  private readonly ledger: BudgetLedger;
  private readonly pairs = new Map<string, Pair>();
  /** Per dataset, the highest record position already counted. */
  private readonly counted = new Map<string, number>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    allocation: number,
    private readonly dpDatasets: readonly string[],
  ) {
    this.ledger = new BudgetLedger(allocation);
  }

  /** Counts the records added since the last call, then lists the charged pairs, closest to exhaustion first. */
  async rows(store: LineageStore): Promise<BudgetRow[]> {
    // One refresh at a time: two running together would count the same new records twice.
    const run = this.refreshing.then(() => this.refresh(store));
    this.refreshing = run.catch(() => undefined);
    await run;
    const rows = [...this.pairs.values()].map((p) => {
      const line = this.ledger.lines(p.subject, [p.dataset])[0]!;
      return { subject: p.subject, org: p.org, dataset: p.dataset, allocation: line.allocation, spent: line.spent, remaining: line.remaining, charges: p.charges, lastChargedAt: p.lastTime };
    });
    return rows.sort((a, b) => a.remaining - b.remaining || a.subject.localeCompare(b.subject) || a.dataset.localeCompare(b.dataset));
  }

  private async refresh(store: LineageStore): Promise<void> {
    for (const dataset of this.dpDatasets) {
      const already = this.counted.get(dataset) ?? 0;
      let highest = already;
      let cursor: string | undefined;
      // After the first visit usually few records are new: start with a small page and grow.
      let limit = already > 0 ? 50 : PAGE;
      pages: do {
        // Newest first: stop at the first record counted before.
        const page = await store.list({ dataset }, { limit, ...(cursor ? { cursor } : {}) });
        limit = Math.min(PAGE, limit * 4);
        for (const r of page.records) {
          if (r.seq <= already) break pages;
          highest = Math.max(highest, r.seq);
          const before = this.ledger.lines(r.subject, [dataset])[0]!.spent;
          this.ledger.addFromRecord(r, dataset);
          if (this.ledger.lines(r.subject, [dataset])[0]!.spent === before) continue;
          const key = JSON.stringify([r.subject, dataset]);
          const pair = this.pairs.get(key) ?? { subject: r.subject, dataset, org: r.org, charges: 0, lastSeq: 0, lastTime: r.time };
          pair.charges += 1;
          if (r.seq > pair.lastSeq) Object.assign(pair, { lastSeq: r.seq, lastTime: r.time, org: r.org });
          this.pairs.set(key, pair);
        }
        cursor = page.nextCursor;
      } while (cursor);
      this.counted.set(dataset, highest);
    }
  }
}

/** A one-off summary (tests, tools); a server keeps one BudgetSummary so that later visits read only new records. */
export const summarizeBudgets = (store: LineageStore, allocation: number, dpDatasets: readonly string[]): Promise<BudgetRow[]> =>
  new BudgetSummary(allocation, dpDatasets).rows(store);
