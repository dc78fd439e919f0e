// Token-bucket behaviour as a caller sees it: a burst is allowed, then requests wait for refill.
import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows a burst up to the capacity, then asks the caller to wait', () => {
    let t = 0;
    const b = new TokenBuckets({ capacity: 3, refillPerSecond: 1, now: () => t });
    expect([b.take('a'), b.take('a'), b.take('a')]).toEqual([0, 0, 0]);
    expect(b.take('a')).toBeGreaterThan(0);
    t = 1000;
    expect(b.take('a')).toBe(0);
  });

  it('keeps subjects apart', () => {
    const b = new TokenBuckets({ capacity: 1, refillPerSecond: 0.001, now: () => 0 });
    expect(b.take('a')).toBe(0);
    expect(b.take('a')).toBeGreaterThan(0);
    expect(b.take('b')).toBe(0);
  });

  it('refuses a configuration that could never admit a request', () => {
    expect(() => new TokenBuckets({ capacity: 0, refillPerSecond: 1 })).toThrow();
  });
});
