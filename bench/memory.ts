// Memory benchmark: resident memory of the service process (this one: it hosts the service and nothing
// else; the load comes from a separate client process) and of its sandbox executor process, read from
// /proc/<pid>/status (VmRSS now, VmHWM the peak), idle after start-up and then sampled every 250 ms while
// N clients send the overhead corpus (bench/query-corpus.ts) round-robin. The executor's VmHWM at the end is
// the sandbox's peak over the whole run — on the 1M domain (--scale 1000000), the figure issue 10 asks for.
// Usage: npx tsx bench/memory.ts [--scale N] [--clients N] [--seconds N]
import fs from 'node:fs';
import os from 'node:os';
import { cachedDomainFile } from '../test/support/domain.ts';
import { okShare, runLoad } from './load.ts';
import { flag } from './measure.ts';
import { QUERY_CORPUS } from './query-corpus.ts';
import { startServiceUnderTest } from './service-under-test.ts';

const scale = flag('scale', 100_000);
const clients = flag('clients', 16);
const seconds = flag('seconds', 10);

interface Memory {
  readonly rssMiB: number;
  readonly hwmMiB: number;
}

/** VmRSS and VmHWM of a process, in MiB; a process that has gone reads as zero. */
function memoryOf(pid: number | 'self'): Memory {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rssMiB: 0, hwmMiB: 0 };
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

const domainFile = await cachedDomainFile(scale);
const service = await startServiceUnderTest(domainFile);
const executorPid = (): number => {
  const pid = service.service.queryPath?.sandbox.executorPid();
  if (pid === undefined) throw new Error('memory: the service has no sandbox executor');
  return pid;
};
console.log(`memory: ${scale.toLocaleString('en')} residents, ${clients} clients for ${seconds} s on the ${QUERY_CORPUS.length}-query corpus, ${os.cpus().length} cores, node ${process.version}`);

// Idle: started, one query answered (so every lazy part is loaded), then left alone for a moment.
await service.query(QUERY_CORPUS[0]!);
await new Promise((r) => setTimeout(r, 2_000));
const idleServer = memoryOf('self');
const idleExecutor = memoryOf(executorPid());

let maxServer = 0;
let maxExecutor = 0;
const sampler = setInterval(() => {
  maxServer = Math.max(maxServer, memoryOf('self').rssMiB);
  maxExecutor = Math.max(maxExecutor, memoryOf(executorPid()).rssMiB);
}, 250);
const load = await runLoad({
  url: `${service.url}/v1/query`,
  bodies: QUERY_CORPUS.map((sql) => ({ sql, purpose: 'benchmark' })),
  token: service.token,
  clients,
  warmupSeconds: 1,
  seconds,
});
clearInterval(sampler);
const endServer = memoryOf('self');
const endExecutor = memoryOf(executorPid());
const restarts = service.service.queryPath?.sandbox.stats().restarts ?? 0;
await service.close();
// Coded timeouts or resource limits under load (heavy joins at 1M, four at a time on two cores) are the
// limits doing their job and are reported; a restarted executor or no answer at all would void the figures.
if (okShare(load) === 0 || restarts > 0) throw new Error(`memory: the load was not answered (${JSON.stringify(load.statuses)}, ${restarts} restarts)`);

const mib = (x: number): string => `${x.toFixed(0)} MiB`;
console.log(`  load: ${load.rps.toFixed(1)} req/s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, ${load.requests} answered, by status ${JSON.stringify(load.statuses)}`);
console.log(`  server    idle RSS ${mib(idleServer.rssMiB)}  under load max RSS ${mib(maxServer)}  after RSS ${mib(endServer.rssMiB)}  peak ${mib(endServer.hwmMiB)}`);
console.log(`  executor  idle RSS ${mib(idleExecutor.rssMiB)}  under load max RSS ${mib(maxExecutor)}  after RSS ${mib(endExecutor.rssMiB)}  peak ${mib(endExecutor.hwmMiB)}`);
