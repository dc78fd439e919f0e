// Per-subject token-bucket rate limiting: each subject may burst up to `capacity` requests and then
// `refillPerSecond` a second. Buckets idle long enough to be full again are forgotten, bounding memory.

export interface RateLimitOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly now?: () => number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #capacity: number;
  readonly #refill: number;
  readonly #now: () => number;

  constructor(opts: RateLimitOptions) {
    if (!(opts.capacity >= 1) || !(opts.refillPerSecond > 0)) throw new Error('rate limit: capacity ≥ 1 and refillPerSecond > 0 required');
    this.#capacity = opts.capacity;
    this.#refill = opts.refillPerSecond;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Takes one token for `key`; returns the seconds to wait when none is left (0 when taken). */
  take(key: string): number {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    b.tokens = Math.min(this.#capacity, b.tokens + ((now - b.at) / 1000) * this.#refill);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.#buckets.set(key, b);
      this.#sweep(now);
      return 0;
    }
    this.#buckets.set(key, b);
    return (1 - b.tokens) / this.#refill;
  }

  #sweep(now: number): void {
    if (this.#buckets.size < 10_000) return;
    const full = (this.#capacity / this.#refill) * 1000;
    for (const [k, b] of this.#buckets) if (now - b.at > full) this.#buckets.delete(k);
  }
}
