// The figures of a load run, for the test's assertions and for the closing note: requests, throughput,
// latency percentiles and answer codes by kind, and the server's RSS over the run.
import type { Outcome } from './load-driver.ts';

export interface KindFigures {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly codes: Readonly<Record<string, number>>;
}

export interface MemorySample {
  /** ms since the run started. */
  readonly at: number;
  readonly bytes: number;
}

export interface LoadFigures {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly all: KindFigures;
  readonly byKind: Readonly<Record<string, KindFigures>>;
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function figures(outcomes: readonly Outcome[]): KindFigures {
  const latencies = outcomes.map((o) => o.doneAt - o.sentAt).sort((a, b) => a - b);
  const codes: Record<string, number> = {};
  for (const o of outcomes) codes[o.code] = (codes[o.code] ?? 0) + 1;
  return { requests: outcomes.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? 0, codes };
}

export function summarizeLoad(outcomes: readonly Outcome[], durationMs: number): LoadFigures {
  const byKind: Record<string, KindFigures> = {};
  for (const kind of [...new Set(outcomes.map((o) => o.kind))].sort()) byKind[kind] = figures(outcomes.filter((o) => o.kind === kind));
  const seconds = durationMs / 1000;
  return { requests: outcomes.length, seconds, rps: outcomes.length / seconds, all: figures(outcomes), byKind };
}

/**
 * Memory over the run: the largest RSS of the first third (it holds the warm-up: JIT, V8 heap growing to its
 * working size, connection pools), the median of the last third, and the peak. A per-request leak raises every
 * later sample, so it shows in the last third's median; a transient spike (a garbage collection that came late,
 * a burst of large answers in flight) is one or two samples and shows only in the peak.
 */
export function rssThirds(samples: readonly MemorySample[]): { firstMax: number; lastMedian: number; lastMax: number; peak: number } {
  const n = samples.length;
  const third = Math.max(1, Math.floor(n / 3));
  const max = (xs: readonly MemorySample[]): number => Math.max(0, ...xs.map((s) => s.bytes));
  const last = samples.slice(n - third).map((s) => s.bytes).sort((a, b) => a - b);
  return { firstMax: max(samples.slice(0, third)), lastMedian: last[Math.floor((last.length - 1) / 2)] ?? 0, lastMax: max(samples.slice(n - third)), peak: max(samples) };
}

/** The samples as one line, "seconds:MiB" each, so that a failing run shows the shape of its memory. */
export function formatMemoryTrace(samples: readonly MemorySample[]): string {
  return samples.map((s) => `${(s.at / 1000).toFixed(0)}:${(s.bytes / 2 ** 20).toFixed(0)}`).join(' ');
}

const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

/** A Markdown table of the figures (what the closing note quotes). */
export function formatLoad(title: string, f: LoadFigures, rss?: { firstMax: number; lastMedian: number; lastMax: number; peak: number; idle?: number }): string {
  const row = (name: string, k: KindFigures): string =>
    `| ${name} | ${k.requests} | ${k.p50Ms.toFixed(1)} | ${k.p99Ms.toFixed(1)} | ${k.maxMs.toFixed(0)} | ${Object.entries(k.codes).sort().map(([c, n]) => `${c} ${n}`).join(', ')} |`;
  return [
    `### ${title}: ${f.requests} requests in ${f.seconds.toFixed(1)} s = ${f.rps.toFixed(1)} req/s`,
    '',
    '| kind | requests | p50 ms | p99 ms | max ms | answers |',
    '|---|---|---|---|---|---|',
    ...Object.entries(f.byKind).map(([k, v]) => row(k, v)),
    row('all', f.all),
    ...(rss
      ? ['', `server RSS: ${rss.idle !== undefined ? `idle ${mib(rss.idle)}, ` : ''}first-third max ${mib(rss.firstMax)}, last-third median ${mib(rss.lastMedian)} and max ${mib(rss.lastMax)}, peak ${mib(rss.peak)}`]
      : []),
  ].join('\n');
}
