// Closed-loop HTTP load, run as its own process so that the clients do not share an event loop (or a CPU
// budget) with the server they measure: N clients, each sending one POST after the previous answer, over
// keep-alive connections (undici's pool behind fetch), for a warm-up and then a timed window. Prints one
// JSON line: requests in the window, requests per second, p50/p99 latency, the count of each status, and
// every request completed including the warm-up.
// Usage (from bench/load.ts): node --import tsx bench/load-client.ts URL CLIENTS WARMUP_S SECONDS  (the
// bodies in LOAD_BODIES, a JSON array that each client walks round-robin from its own starting point; the
// bearer token in LOAD_TOKEN, so that neither shows in the process list)
import { percentile } from './measure.ts';

const [url = '', clientsArg = '', warmupArg = '', secondsArg = ''] = process.argv.slice(2);
const clients = Number(clientsArg);
const warmupMs = Number(warmupArg) * 1000;
const windowMs = Number(secondsArg) * 1000;
const bodies = (JSON.parse(process.env.LOAD_BODIES ?? '[]') as unknown[]).map((b) => JSON.stringify(b));
const token = process.env.LOAD_TOKEN;
if (!url || !(clients >= 1) || !(warmupMs >= 0) || !(windowMs > 0) || bodies.length === 0) throw new Error('load-client: bad arguments');

const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
const started = performance.now();
const windowStart = started + warmupMs;
const windowEnd = windowStart + windowMs;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
/** Every request answered, warm-up included: the denominator of the server's CPU time per request. */
let completed = 0;

async function client(n: number): Promise<void> {
  for (let i = n; ; i++) {
    const t = performance.now();
    if (t >= windowEnd) return;
    let status: string;
    try {
      const res = await fetch(url, { method: 'POST', headers, body: bodies[i % bodies.length] });
      await res.arrayBuffer();
      status = String(res.status);
    } catch {
      status = 'network_error';
    }
    const done = performance.now();
    completed += 1;
    // Counted only when the request both started and ended inside the window.
    if (t >= windowStart && done <= windowEnd) {
      latencies.push(done - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
}

await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
console.log(
  JSON.stringify({
    requests: latencies.length,
    completed,
    rps: latencies.length / (windowMs / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
  }),
);
