// What every benchmark script shares: reading integer flags from argv, percentiles, and timing a function
// repeatedly after a warm-up.

/** `--name N` from argv; `min` 0 admits zero (e.g. a seed), 1 requires a positive count. */
export function flag(name: string, fallback: number, min: 0 | 1 = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} expects ${min === 1 ? 'a positive' : 'a non-negative'} integer`);
  return v;
}

export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Runs `f` n times after up to 20 warm-up runs; the percentiles of the timed runs in milliseconds. */
export async function timeEach(n: number, f: () => Promise<unknown>): Promise<{ p50: number; p90: number; p99: number }> {
  for (let i = 0; i < Math.min(20, n); i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99) };
}
