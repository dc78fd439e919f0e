// Throughput benchmark: N concurrent keep-alive clients (bench/load-client.ts, in its own process) send one
// small aggregate for a fixed window, first to a bare Hono route running the SQL on in-process DuckDB with
// no checks (bench/bare-route.ts), then to the full service (token, validation, compiler, sandbox process,
// output gate, lineage fsync), alternating for a few rounds on the same domain file; each side's best round
// is reported. Target (issue 10): the service sustains ≥ 50% of the bare route's requests per second.
// Beside the rates, the CPU time each side spends per request (this process, which hosts both servers and
// nothing else, plus the sandbox executor process for the service): on a machine shared with other work
// the rates move with the neighbours, the CPU cost per request much less.
// Usage: npx tsx bench/throughput.ts [--scale N] [--clients N] [--seconds N] [--rounds N]
import os from 'node:os';
import { cachedDomainFile } from '../test/support/domain.ts';
import { startBareRoute } from './bare-route.ts';
import { cpuMs } from './cpu-time.ts';
import { okShare, runLoad, type LoadResult } from './load.ts';
import { flag } from './measure.ts';
import { startServiceUnderTest } from './service-under-test.ts';

const scale = flag('scale', 100_000);
const clients = flag('clients', 16);
const seconds = flag('seconds', 5);
const rounds = flag('rounds', 2);
const SQL = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district';

const domainFile = await cachedDomainFile(scale);
const service = await startServiceUnderTest(domainFile);
const bare = await startBareRoute(domainFile, service.config.sandbox.threads);
console.log(`throughput: ${scale.toLocaleString('en')} residents, ${clients} clients, ${rounds} rounds of ${seconds} s each, ${os.cpus().length} cores, node ${process.version}`);
console.log(`  query: ${SQL}`);

type Measured = LoadResult & { readonly cpuMsPerRequest: number };
const executorPid = (): number => {
  const pid = service.service.queryPath?.sandbox.executorPid();
  if (pid === undefined) throw new Error('throughput: the service has no sandbox executor');
  return pid;
};
/** Runs the load and charges it the CPU time of `pids` (this process and, for the service, the executor). */
async function measure(pids: () => (number | 'self')[], load: () => Promise<LoadResult>): Promise<Measured> {
  const before = pids().map(cpuMs);
  const r = await load();
  const spent = pids().map(cpuMs).reduce((sum, after, i) => sum + after - (before[i] ?? 0), 0);
  return { ...r, cpuMsPerRequest: spent / Math.max(1, r.completed) };
}

const best = { bare: undefined as Measured | undefined, full: undefined as Measured | undefined };
const keepBest = (prev: Measured | undefined, r: Measured): Measured => (prev === undefined || r.rps > prev.rps ? r : prev);
for (let round = 1; round <= rounds; round++) {
  const b = await measure(() => ['self'], () => runLoad({ url: bare.url, bodies: [{ sql: SQL }], clients, warmupSeconds: 1, seconds }));
  const f = await measure(
    () => ['self', executorPid()],
    () => runLoad({ url: `${service.url}/v1/query`, bodies: [{ sql: SQL, purpose: 'benchmark' }], token: service.token, clients, warmupSeconds: 1, seconds }),
  );
  for (const [name, r] of [['bare', b], ['full', f]] as const) {
    // A benchmark of refusals would flatter the service: every response in the window must be an answer.
    if (okShare(r) < 1) throw new Error(`throughput: ${name} answered ${JSON.stringify(r.statuses)}`);
  }
  console.log(`  round ${round}: bare ${b.rps.toFixed(0)} req/s, service ${f.rps.toFixed(0)} req/s`);
  best.bare = keepBest(best.bare, b);
  best.full = keepBest(best.full, f);
}
await bare.close();
await service.close();

const line = (label: string, r: Measured): string =>
  `  ${label} ${r.rps.toFixed(1).padStart(8)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu ${r.cpuMsPerRequest.toFixed(2)} ms/req  (${r.requests} requests)`;
console.log(line('baseline   bare Hono route + DuckDB, no checks  ', best.bare!));
console.log(line('service    full query path                      ', best.full!));
console.log(`  service / bare: ${(best.full!.rps / best.bare!.rps).toFixed(3)} of the requests per second (target ≥ 0.5)`);
console.log(`  service / bare: ${(best.full!.cpuMsPerRequest / best.bare!.cpuMsPerRequest).toFixed(2)}× the CPU time per request`);
