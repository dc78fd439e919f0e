// Where the noise's randomness comes from: uniform integers drawn from the operating system's
// cryptographic generator (node:crypto). Tests inject a seeded source; the service never does.
import { randomBytes } from 'node:crypto';

/** A source of uniform random integers; `below(n)` is uniform on {0, …, n − 1}. */
export interface RandomSource {
  below(n: bigint): bigint;
}

/**
 * Uniform on {0, …, n − 1} from a stream of random bytes by rejection: draw just enough bits for n − 1 and
 * retry when the draw is ≥ n (at most half the draws are rejected, and the result has no modulo bias).
 */
export function uniformBelow(n: bigint, bytes: (count: number) => Uint8Array): bigint {
  if (n <= 0n) throw new RangeError('uniformBelow: n must be positive');
  if (n === 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const byteCount = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const buf = bytes(byteCount);
    let v = 0n;
    for (const b of buf) v = (v << 8n) | BigInt(b);
    v &= mask;
    if (v < n) return v;
  }
}

/** The service's source: node:crypto's CSPRNG. */
export const cryptoRandomSource: RandomSource = {
  below: (n) => uniformBelow(n, (count) => randomBytes(count)),
};
