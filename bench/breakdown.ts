// Where one request's time goes: the components of the query path timed one at a time on the running
// service's own instances (token verification, compilation, the sandbox round trip with the executor's CPU
// counted separately, one durable lineage append), then the whole request over HTTP from a separate client
// process, and the bare route for comparison. Each row: wall p50 and CPU time per call (user + system,
// all threads, of this process and, for the sandbox, of the executor). The whole minus its parts is what
// HTTP, request validation, logging and the pipeline's glue cost together.
// Usage: npx tsx bench/breakdown.ts [--scale N] [--iterations N]
import os from 'node:os';
import type { Principal } from '../src/auth/principal.ts';
import { sampleEntry } from '../src/lineage/sample-entries.ts';
import { compileQuery } from '../src/sql/compile.ts';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { cachedDomainFile } from '../test/support/domain.ts';
import { startBareRoute } from './bare-route.ts';
import { cpuMs } from './cpu-time.ts';
import { runLoad } from './load.ts';
import { flag, percentile } from './measure.ts';
import { startServiceUnderTest } from './service-under-test.ts';

const scale = flag('scale', 100_000);
const iterations = flag('iterations', 200);
const SQL = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district';

const domainFile = await cachedDomainFile(scale);
const service = await startServiceUnderTest(domainFile);
const qp = service.service.queryPath;
if (qp === undefined) throw new Error('breakdown: the service has no query path');
const executorPid = (): number => qp.sandbox.executorPid() ?? 0;

interface Row {
  readonly part: string;
  readonly wallP50: number;
  readonly cpuMs: number;
  readonly executorCpuMs?: number;
}
const rows: Row[] = [];

/** Times `f` sequentially after a warm-up; CPU per call of this process and of the executor. */
async function part(name: string, f: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await f(i);
  const walls: number[] = [];
  const c0 = cpuMs('self');
  const e0 = cpuMs(executorPid());
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await f(i);
    walls.push(performance.now() - t);
  }
  rows.push({ part: name, wallP50: percentile(walls, 50), cpuMs: (cpuMs('self') - c0) / iterations, executorCpuMs: (cpuMs(executorPid()) - e0) / iterations });
}

const principal = await service.service.deps.verifier.verify(service.token);
await part('token verification (jose EdDSA, revocation list)', () => service.service.deps.verifier.verify(service.token));

// The service's own snapshot: its compiler knows which tables were verified to hold one row per person
// (count(*) for their unit count), so the plan timed below is the one the service runs.
const snapshot = service.service.deps.live?.catalog.current();
if (snapshot?.compiler === undefined) throw new Error('breakdown: the service has no compiler');
const { catalog, policy, compiler } = snapshot;
const compile = async (): Promise<CompiledQuery> => {
  const d = await compileQuery({ sql: SQL, mode: 'aggregate' }, principal as Principal, catalog, policy, compiler);
  if (d.effect !== 'allow') throw new Error(`breakdown: the query was refused (${d.code})`);
  return d.compiled;
};
const compiled = await compile();
await part('compile (parse, analyse, rewrite, render, plan check)', compile);
console.log(`  compiled: ${compiled.sql}`);

await part('sandbox round trip (IPC, executor, guard, DuckDB, gate)', () => qp.sandbox.execute(compiled, { subject: 'bench', queryId: 'q' }));
await part('lineage append (seal, write, fdatasync), sequential', (i) => qp.lineage.append(sampleEntry(i)));

/** One client in its own process: the server's CPU per request is then the server's alone. */
async function whole(name: string, url: string, body: unknown, token?: string, withExecutor = false): Promise<void> {
  const c0 = cpuMs('self');
  const e0 = withExecutor ? cpuMs(executorPid()) : 0;
  const r = await runLoad({ url, bodies: [body], ...(token ? { token } : {}), clients: 1, warmupSeconds: 1, seconds: 4 });
  rows.push({
    part: name,
    wallP50: r.p50,
    cpuMs: (cpuMs('self') - c0) / r.completed,
    ...(withExecutor ? { executorCpuMs: (cpuMs(executorPid()) - e0) / r.completed } : {}),
  });
}
await whole('whole request over HTTP, 1 client', `${service.url}/v1/query`, { sql: SQL, purpose: 'benchmark' }, service.token, true);
const bare = await startBareRoute(domainFile, service.config.sandbox.threads);
await whole('baseline: bare Hono route + DuckDB, 1 client', bare.url, { sql: SQL });
await bare.close();
await service.close();

console.log(`breakdown: ${scale.toLocaleString('en')} residents, ${iterations} calls per part, ${os.cpus().length} cores, node ${process.version}`);
console.log(`  query: ${SQL}`);
console.log('| part | wall p50 | CPU per call, service process | CPU per call, executor |');
console.log('|---|---|---|---|');
for (const r of rows) {
  const ex = r.executorCpuMs !== undefined && r.executorCpuMs > 0.005 ? `${r.executorCpuMs.toFixed(2)} ms` : '—';
  console.log(`| ${r.part} | ${r.wallP50.toFixed(2)} ms | ${r.cpuMs.toFixed(2)} ms | ${ex} |`);
}
const byName = (prefix: string): Row => rows.find((r) => r.part.startsWith(prefix))!;
// The whole request repeats one SQL text, so the pipeline takes its decision from the decision cache: no
// compile to subtract (the compile row is what a text not decided before costs).
const parts = ['token', 'sandbox', 'lineage'].map(byName);
const all = byName('whole');
const rest = all.cpuMs - parts.reduce((s, r) => s + r.cpuMs, 0);
console.log(`  rest of the service process (HTTP, validation, decision cache, logging, pipeline glue): ${rest.toFixed(2)} ms CPU per request`);
