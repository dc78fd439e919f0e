// The statement guard's verdicts remembered, for the SQL texts it allowed. The verdict is a function of the
// text alone for the executor's lifetime: the domain is read-only, the macros are the same on every
// connection and the configuration is locked, so DuckDB parses and binds the same text the same way every
// time. A repeated query (a dashboard, a paginated report) then skips the parse and the plan. Refusals are
// not remembered: they are rare and each is checked afresh. Keys are SHA-256 digests, so the memory is
// bounded by the entry count, not by the length of the SQL.
import { createHash } from 'node:crypto';

const digest = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('base64');

export class AllowedStatements {
  readonly #limit: number;
  /** Insertion order is recency order: a hit is moved to the end, the oldest is evicted first. */
  readonly #digests = new Set<string>();

  constructor(limit = 1024) {
    if (!Number.isInteger(limit) || limit < 0) throw new Error('allowed statements: limit must be a non-negative integer');
    this.#limit = limit;
  }

  get size(): number {
    return this.#digests.size;
  }

  /** True if the guard allowed exactly this text before (and it has not been evicted since). */
  has(sql: string): boolean {
    const d = digest(sql);
    if (!this.#digests.delete(d)) return false;
    this.#digests.add(d);
    return true;
  }

  /** Remembers a text the guard has just allowed. */
  add(sql: string): void {
    if (this.#limit === 0) return;
    const d = digest(sql);
    this.#digests.delete(d);
    this.#digests.add(d);
    if (this.#digests.size > this.#limit) this.#digests.delete(this.#digests.values().next().value as string);
  }
}
