// Remembers the compiler's decisions. compileQuery reads only the SQL text, the mode, the dp bounds and the
// catalog snapshot (catalog, policy and that snapshot's compiler) — never the principal — so the same inputs
// under the same catalog version always give the same decision, and a dashboard or notebook re-running its
// queries need not pay the parse, analysis and plan check (~4 ms CPU) again. Licenses, applications, dataset
// status, budgets and rate limits are all decided after compile, on every attempt, as before.
import type { Decision } from '../policy/decision.ts';
import type { CompileInput } from './compile.ts';

/** Longer texts are compiled every time: they are rare, and they would make the cache's memory unbounded. */
export const MAX_CACHED_SQL_BYTES = 8 * 1024;

export class DecisionCache {
  readonly #entries = new Map<string, Decision>();
  #hits = 0;
  #misses = 0;

  constructor(readonly maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error('DecisionCache: maxEntries must be a positive integer');
  }

  /**
   * The decision for `input` under the catalog version `catalogVersion`, from the cache or from `compile`.
   * Cached decisions are deeply frozen: whoever uses one cannot change what the next caller gets.
   */
  async decide(catalogVersion: string, input: CompileInput, compile: () => Promise<Decision>): Promise<Decision> {
    if (Buffer.byteLength(input.sql, 'utf8') > MAX_CACHED_SQL_BYTES) return compile();
    const key = JSON.stringify([catalogVersion, input.mode, input.dpBounds?.maxGroups ?? null, input.dpBounds?.maxRows ?? null, input.sql]);
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#hits++;
      // Least recently used goes first: re-inserting moves the key to the end of the Map's order.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    this.#misses++;
    const decision = deepFreeze(await compile());
    this.#entries.set(key, decision);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return decision;
  }

  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
