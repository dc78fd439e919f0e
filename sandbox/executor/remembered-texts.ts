// Facts about SQL texts remembered for the executor's lifetime: the statement guard's verdicts for the
// texts it allowed, and the unit counts by rows that left a group undecided (unit-count-by-rows.ts). Such a
// fact is a function of the text alone while the executor lives: the domain is read-only, the macros are
// the same on every connection and the configuration is locked, so DuckDB parses, binds and answers the
// same text the same way every time. A repeated query (a dashboard, a paginated report) then skips the
// work. Refusals are not remembered: they are rare and each is checked afresh. Keys are SHA-256 digests,
// so the memory is bounded by the entry count, not by the length of the SQL.
import { createHash } from 'node:crypto';

const digest = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('base64');

export class RememberedTexts {
  readonly #limit: number;
  /** Insertion order is recency order: a hit is moved to the end, the oldest is evicted first. */
  readonly #digests = new Set<string>();

  constructor(limit = 1024) {
    if (!Number.isInteger(limit) || limit < 0) throw new Error('remembered texts: limit must be a non-negative integer');
    this.#limit = limit;
  }

  get size(): number {
    return this.#digests.size;
  }

  /** True if exactly this text was remembered before (and has not been evicted since). */
  has(sql: string): boolean {
    const d = digest(sql);
    if (!this.#digests.delete(d)) return false;
    this.#digests.add(d);
    return true;
  }

  /** Remembers a text. */
  add(sql: string): void {
    if (this.#limit === 0) return;
    const d = digest(sql);
    this.#digests.delete(d);
    this.#digests.add(d);
    if (this.#digests.size > this.#limit) this.#digests.delete(this.#digests.values().next().value as string);
  }
}
