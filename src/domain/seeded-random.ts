// Seeded pseudo-randomness for the generator: a fast JS PRNG for the small reference tables, and SQL
// expressions that draw per-row uniforms inside DuckDB from `hash(key + offset)`, so that bulk tables are
// a pure function of (seed, stream, row key) whatever the thread count or execution order.
import { createHash } from 'node:crypto';

/**
 * A 62-bit offset that names an independent random stream. DuckDB's multi-argument `hash(a, b, c)`
 * combines its arguments too weakly (hash(s,i,7) and hash(s,i,8) correlate at about -0.6), so streams are
 * separated by adding a large, seed-derived offset to the row key and hashing one BIGINT instead: DuckDB's
 * integer hash is a murmur-style finalizer, a bijection with good avalanche, and the offsets of two streams
 * differ by far more than any row key, so their inputs never overlap.
 */
export function streamOffset(seed: number, stream: string): bigint {
  const digest = createHash('sha256').update(`dsbx:${seed}:${stream}`).digest();
  // Keep the offset within [2^61, 2^62) so that key + offset never overflows a signed BIGINT.
  return (digest.readBigUInt64BE(0) & ((1n << 61n) - 1n)) | (1n << 61n);
}

/** SQL for a uniform DOUBLE in [0, 1) drawn from `stream` at the BIGINT row key `key`. */
export function uniformSql(seed: number, stream: string, key: string): string {
  return `((hash(CAST(${key} AS BIGINT) + ${streamOffset(seed, stream)}) >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** SQL for a standard normal draw (Box-Muller over two independent uniform streams). */
export function normalSql(seed: number, stream: string, key: string): string {
  const u1 = uniformSql(seed, `${stream}#1`, key);
  const u2 = uniformSql(seed, `${stream}#2`, key);
  return `(sqrt(-2.0 * ln(1.0 - ${u1})) * cos(2.0 * pi() * ${u2}))`;
}

/** A small, fast, seeded PRNG (sfc32) for JS-side generation of reference data and small tables. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    const digest = createHash('sha256').update(`dsbx-js:${seed}:${stream}`).digest();
    this.a = digest.readUInt32LE(0);
    this.b = digest.readUInt32LE(4);
    this.c = digest.readUInt32LE(8);
    this.d = digest.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight; `weights` need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}
