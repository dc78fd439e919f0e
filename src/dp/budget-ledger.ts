// The ε budget per license subject and dataset. The lineage log IS the ledger: every record of a dp release
// carries the ε it charged (protections.epsilonCharged) and the datasets it charged (budgetAfter), so the
// service rebuilds what was spent from the log when it starts (from the charges the store's index keeps,
// which the sealed segments' sidecars persist), and there is no second file to keep in step with it. At run time a query reserves its ε here before it executes; the reservation check and the
// booking happen in one synchronous step (the event loop runs nothing in between), so concurrent queries
// can never together overspend. Amounts are kept in millionths of ε, as integers, so sums do not drift.
import { AppError } from '../errors.ts';
import type { LineageRecord } from '../lineage/record.ts';
import type { LineageStore } from '../lineage/store.ts';
import { EPSILON_RESOLUTION } from './noise-plan.ts';

export interface BudgetLine {
  readonly dataset: string;
  readonly allocation: number;
  readonly spent: number;
  readonly remaining: number;
}

/** ε held for one query: charged for good (commit) or, when nothing ran, given back (cancel). */
export interface Reservation {
  readonly epsilon: number;
  readonly datasets: readonly string[];
  /** Remaining ε per dataset once this reservation counts as spent. */
  readonly remainingAfter: Readonly<Record<string, number>>;
  commit(): void;
  cancel(): void;
}

const micros = (epsilon: number): number => Math.round(epsilon * EPSILON_RESOLUTION);
const fromMicros = (m: number): number => m / EPSILON_RESOLUTION;
const keyOf = (subject: string, dataset: string): string => JSON.stringify([subject, dataset]);

export class BudgetLedger {
  readonly #allocation: number;
  /** Charged and durable (in the log) or charged for good after execution started. */
  readonly #spent = new Map<string, number>();
  /** Held by queries that have not finished. */
  readonly #held = new Map<string, number>();

  constructor(allocationEpsilon: number) {
    if (!(allocationEpsilon > 0) || !Number.isFinite(allocationEpsilon)) throw new Error('budget ledger: the allocation must be positive');
    this.#allocation = micros(allocationEpsilon);
  }

  /**
   * Rebuilds the spent budget from the lineage log: the sum of every charge, per subject and dataset. Every
   * query record counts, not only those the index files under a dataset: a query such as `SELECT count(*)`
   * names no input column, so a dataset filter would miss its charge. A store that keeps the charges in its
   * index hands them over without a record being read; any other store is replayed page by page.
   */
  static async fromLineage(store: LineageStore, allocationEpsilon: number, dpDatasets: readonly string[]): Promise<BudgetLedger> {
    const ledger = new BudgetLedger(allocationEpsilon);
    if (store.epsilonCharges) {
      for (const c of store.epsilonCharges()) {
        if (c.kind !== 'query') continue;
        for (const dataset of dpDatasets) if (c.datasets.includes(dataset)) ledger.#charge(c.subject, dataset, c.epsilon);
      }
      return ledger;
    }
    let cursor: string | undefined;
    do {
      const page = await store.list({ kind: 'query' }, { limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const r of page.records) for (const dataset of dpDatasets) ledger.addFromRecord(r, dataset);
      cursor = page.nextCursor;
    } while (cursor);
    return ledger;
  }

  /** Counts one record's charge against `dataset` if the record charged it. */
  addFromRecord(r: LineageRecord, dataset: string): void {
    const charged = r.protections?.epsilonCharged ?? 0;
    if (!(charged > 0) || r.budgetAfter === null || !Object.hasOwn(r.budgetAfter, dataset)) return;
    this.#charge(r.subject, dataset, charged);
  }

  #charge(subject: string, dataset: string, epsilon: number): void {
    const k = keyOf(subject, dataset);
    this.#spent.set(k, (this.#spent.get(k) ?? 0) + micros(epsilon));
  }

  #used(k: string): number {
    return (this.#spent.get(k) ?? 0) + (this.#held.get(k) ?? 0);
  }

  /** Allocation, spent (including ε held by running queries) and remaining, per dataset. */
  lines(subject: string, datasets: readonly string[]): BudgetLine[] {
    return datasets.map((dataset) => {
      const used = this.#used(keyOf(subject, dataset));
      return { dataset, allocation: fromMicros(this.#allocation), spent: fromMicros(used), remaining: fromMicros(Math.max(0, this.#allocation - used)) };
    });
  }

  /** Holds ε on every dataset, or throws BUDGET_EXHAUSTED (holding nothing) if any would overspend. */
  reserve(subject: string, datasets: readonly string[], epsilon: number): Reservation {
    const amount = micros(epsilon);
    if (!(amount > 0)) throw new AppError('BAD_REQUEST', 'epsilon must be positive');
    const keys = [...new Set(datasets)].map((d) => ({ dataset: d, key: keyOf(subject, d) }));
    const short = keys.filter(({ key }) => this.#used(key) + amount > this.#allocation).map((k) => k.dataset);
    if (short.length > 0) {
      throw new AppError('BUDGET_EXHAUSTED', 'the privacy budget for this dataset does not cover this query', {
        datasets: short,
        violations: short.map((d) => ({ rule: 'BUDGET_EXHAUSTED', message: 'the remaining ε is smaller than this query’s ε', column: d })),
      });
    }
    for (const { key } of keys) this.#held.set(key, (this.#held.get(key) ?? 0) + amount);
    const remainingAfter = Object.fromEntries(keys.map(({ dataset, key }) => [dataset, fromMicros(this.#allocation - this.#used(key))]));
    let settled = false;
    const release = (spend: boolean): void => {
      if (settled) return;
      settled = true;
      for (const { key } of keys) {
        this.#held.set(key, (this.#held.get(key) ?? 0) - amount);
        if (spend) this.#spent.set(key, (this.#spent.get(key) ?? 0) + amount);
      }
    };
    return {
      epsilon: fromMicros(amount),
      datasets: keys.map((k) => k.dataset),
      remainingAfter,
      commit: () => release(true),
      cancel: () => release(false),
    };
  }
}
