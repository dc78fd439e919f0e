// A deterministic RandomSource for the samplers' statistical tests ONLY: SHA-256 in counter mode over a
// seed, so that a failing test can be replayed. Nothing in the service imports it (the noise step always
// uses cryptoRandomSource).
import { createHash } from 'node:crypto';
import { uniformBelow, type RandomSource } from './random-source.ts';

export function seededRandomSource(seed: string): RandomSource {
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  const bytes = (count: number): Uint8Array => {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      if (offset >= block.length) {
        block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        offset = 0;
      }
      out[i] = block[offset++]!;
    }
    return out;
  };
  return { below: (n) => uniformBelow(n, bytes) };
}
