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

export interface RssSample {
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
 * Memory stability: the largest RSS of the last third of the run against the largest of the first third.
 * The first third holds the warm-up (JIT, V8 heap growing to its working size, connection pools), so a
 * steady server's later maximum stays near it; a per-request leak grows with the request count instead.
 */
export function rssThirds(samples: readonly RssSample[]): { firstMax: number; lastMax: number; peak: number } {
  const n = samples.length;
  const third = Math.max(1, Math.floor(n / 3));
  const max = (xs: readonly RssSample[]): number => Math.max(0, ...xs.map((s) => s.bytes));
  return { firstMax: max(samples.slice(0, third)), lastMax: max(samples.slice(n - third)), peak: max(samples) };
}

const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;

/** A Markdown table of the figures (what the closing note quotes). */
export function formatLoad(title: string, f: LoadFigures, rss?: { firstMax: number; lastMax: number; peak: number; idle?: number }): string {
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
      ? ['', `server RSS: ${rss.idle !== undefined ? `idle ${mib(rss.idle)}, ` : ''}first-third max ${mib(rss.firstMax)}, last-third max ${mib(rss.lastMax)}, peak ${mib(rss.peak)}`]
      : []),
  ].join('\n');
}
