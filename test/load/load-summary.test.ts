// The load run's memory figures: a steady leak must show in the last third's median, a single late spike
// only in the peak, so that the stability check fails a leak and not a garbage collection that came late.
import { describe, expect, it } from 'vitest';
import { formatMemoryTrace, percentile, rssThirds, type MemorySample } from './load-summary.ts';

const MIB = 2 ** 20;
const series = (mib: (i: number) => number, n = 30): MemorySample[] => Array.from({ length: n }, (_, i) => ({ at: i * 2000, bytes: mib(i) * MIB }));

describe('rssThirds', () => {
  it('raises the last third median with a steady leak', () => {
    const { firstMax, lastMedian } = rssThirds(series((i) => 300 + i * 10));
    expect(firstMax).toBe(390 * MIB);
    // samples 20..29 hold 500..590 MiB: the lower median is the fifth, 540.
    expect(lastMedian).toBe(540 * MIB);
  });

  it('keeps one late spike out of the median and in the peak', () => {
    const f = rssThirds(series((i) => (i === 27 ? 580 : 330)));
    expect(f.lastMedian).toBe(330 * MIB);
    expect(f.lastMax).toBe(580 * MIB);
    expect(f.peak).toBe(580 * MIB);
  });

  it('prints seconds and MiB per sample', () => {
    expect(formatMemoryTrace(series((i) => 300 + i, 3))).toBe('0:300 2:301 4:302');
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
  });
});
