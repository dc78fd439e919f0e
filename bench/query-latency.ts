// Benchmark of the whole query path on the overhead corpus (bench/query-corpus.ts, twenty aggregate
// queries): p50/p99 latency of each sent over HTTP to a running service (authenticate, validate, compile,
// sandbox, gate, lineage fsync) against the same SQL run directly on DuckDB in-process, with the sandbox
// macros defined — the baseline measured in the same run, on the same domain file. Issue 10's targets:
// p50 overhead ≤ 5 ms on small queries; end to end ≤ 1.15× direct DuckDB on queries taking ≥ 100 ms.
// Beside them, the same SQL through a bare Hono route on in-process DuckDB (no checks, no sandbox process,
// no lineage) with the same client: what HTTP alone costs on this machine, the floor under the overhead.
// Each query runs as often as fits a time budget (at least 5, at most --iterations times per side), so
// that the 1M scale, where some queries take seconds, finishes in minutes.
// Usage: npx tsx bench/query-latency.ts [--scale N] [--iterations N] [--budget-ms N]
import os from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { SANDBOX_MACROS } from '../sandbox/macros.ts';
import { cachedDomainFile } from '../test/support/domain.ts';
import { flag, percentile, timeEach } from './measure.ts';
import { QUERY_CORPUS } from './query-corpus.ts';
import http from 'node:http';
import { startBareRoute } from './bare-route.ts';
import { post, startServiceUnderTest } from './service-under-test.ts';

const scale = flag('scale', 100_000);
const maxIterations = flag('iterations', 200);
const budgetMs = flag('budget-ms', 4_000);
/** Issue 10: a query is "small" below this direct time; at or above it the end-to-end ratio counts. */
const LARGE_MS = 100;

const domain = await cachedDomainFile(scale);
const service = await startServiceUnderTest(domain);
const instance = await DuckDBInstance.create(domain, { access_mode: 'READ_ONLY', threads: String(service.config.sandbox.threads) });
const direct = await instance.connect();
for (const m of SANDBOX_MACROS) await direct.run(m);
// The floor under the overhead: a bare Hono route running the same SQL on in-process DuckDB over HTTP, with
// the same client and none of the service's checks, sandbox process or lineage.
const bare = await startBareRoute(domain, service.config.sandbox.threads, SANDBOX_MACROS);
const bareAgent = new http.Agent({ keepAlive: true });
const viaBare = async (sql: string): Promise<void> => {
  const { status } = await post(bareAgent, bare.url, null, JSON.stringify({ sql }));
  if (status !== 200) throw new Error(`bare route: HTTP ${status}`);
};

console.log(`query latency: ${scale.toLocaleString('en')} residents, ${QUERY_CORPUS.length} queries, up to ${maxIterations} iterations per query and side (budget ${budgetMs} ms), ${os.cpus().length} cores, node ${process.version}`);
console.log('| query | direct DuckDB p50 / p99 | HTTP end to end p50 / p99 | overhead p50 | runs | bare route p50 |');
console.log('|---|---|---|---|---|---|');
const measured: { direct: number; http: number; bare: number }[] = [];
for (const sql of QUERY_CORPUS) {
  // One run of each side first: it warms both up and sizes the iteration count to the budget.
  const t = performance.now();
  await direct.runAndReadAll(sql);
  await service.query(sql);
  const once = performance.now() - t;
  const iterations = Math.max(5, Math.min(maxIterations, Math.floor(budgetMs / Math.max(once, 0.1))));
  const base = await timeEach(iterations, () => direct.runAndReadAll(sql));
  const viaService = await timeEach(iterations, () => service.query(sql));
  const viaBareRoute = await timeEach(iterations, () => viaBare(sql));
  measured.push({ direct: base.p50, http: viaService.p50, bare: viaBareRoute.p50 });
  const f = (x: number) => x.toFixed(2);
  console.log(`| ${sql.slice(0, 60)}… | ${f(base.p50)} / ${f(base.p99)} ms | ${f(viaService.p50)} / ${f(viaService.p99)} ms | +${f(viaService.p50 - base.p50)} ms | ${iterations} | ${f(viaBareRoute.p50)} ms |`);
}
bareAgent.destroy();
await bare.close();
direct.closeSync();
instance.closeSync();
await service.close();

const small = measured.filter((m) => m.direct < LARGE_MS);
const large = measured.filter((m) => m.direct >= LARGE_MS);
if (small.length > 0) {
  const overheads = small.map((m) => m.http - m.direct);
  console.log(`small queries (direct p50 < ${LARGE_MS} ms): ${small.length}, median p50 overhead ${percentile(overheads, 50).toFixed(2)} ms, worst ${Math.max(...overheads).toFixed(2)} ms (target ≤ 5 ms)`);
  console.log(`bare route over the small queries: median p50 overhead ${percentile(small.map((m) => m.bare - m.direct), 50).toFixed(2)} ms`);
}
if (large.length > 0) {
  const ratios = large.map((m) => m.http / m.direct);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  console.log(
    `queries of ≥ ${LARGE_MS} ms direct: ${large.length}, end to end / direct p50 ${(sum(large.map((m) => m.http)) / sum(large.map((m) => m.direct))).toFixed(3)}× over their total, worst ${Math.max(...ratios).toFixed(3)}× (target ≤ 1.15×)`,
  );
} else {
  console.log(`queries of ≥ ${LARGE_MS} ms direct: none at this scale`);
}
