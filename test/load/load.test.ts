// Load: 50 concurrent clients for 60 s (LOAD_CLIENTS / LOAD_SECONDS shorten it locally) against a real
// `dsbx serve` child process, mixing allowed, refused, heavy and timing-out queries, explain calls, dp
// releases and catalog/budget/history reads. The server must answer everything with a coded answer the
// request accepts (no 5xx but QUERY_TIMEOUT and RESOURCE_LIMIT), stay up with a stable RSS, and leave
// exactly one verifying lineage record per query attempt.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageRecord } from '../../src/lineage/record.ts';
import { runLoad, type Outcome } from './load-driver.ts';
import { formatLoad, formatMemoryTrace, rssThirds, summarizeLoad, type MemorySample } from './load-summary.ts';
import { recordsById, runLineageVerify } from './lineage-checks.ts';
import { cpuSeconds, createTestHome, type ServerProcess, type TestHome } from './server-process.ts';
import { createWorkload } from './workload.ts';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const SEED = 20261127;
const MIB = 1024 * 1024;
/**
 * Memory stability. A leak raises every later sample, so the last third's median RSS may exceed the first
 * third's maximum by a quarter plus 32 MiB, no more: the slack covers what grows by design (the reviewer index
 * keeps ~1 KiB per lineage record, a few MiB for the run's ~3,500 records) and V8 settling on a larger heap.
 * About 2,000 requests separate the two, so a leak of ~60 KiB a request fails it. A transient spike (a late
 * garbage collection under CPU contention, large answers in flight at once) is one or two samples: it is
 * bounded apart, by the peak, at twice the idle RSS plus 256 MiB.
 */
const RSS_GROWTH_FACTOR = 1.25;
const RSS_SLACK_BYTES = 32 * MIB;
const PEAK_SLACK_BYTES = 256 * MIB;

let home: TestHome;
let server: ServerProcess;
let outcomes: Outcome[] = [];
const rss: MemorySample[] = [];
const heap: MemorySample[] = [];
let idleRss = 0;

beforeAll(async () => {
  home = await createTestHome({
    env: {
      // Most traffic passes the per-subject rate limit: RATE_LIMITED stays an accepted answer, not the usual one.
      DSBX_RATE_BURST: '100000',
      DSBX_RATE_PER_SECOND: '100000',
      // Short, so that the timing-out joins do time out (and the heavy ones may).
      DSBX_QUERY_TIMEOUT_MS: '1500',
      DSBX_LINEAGE_CHECKPOINT_EVERY: '500',
    },
  });
  server = await home.start();
  idleRss = server.rssBytes() ?? 0;
  const token = await home.token('developer', 'load-developer');
  const durationMs = SECONDS * 1000;
  const executor = server.executorPid();
  const cpuBefore = { server: server.cpuSeconds() ?? 0, executor: executor === undefined ? 0 : (cpuSeconds(executor) ?? 0) };
  const t0 = performance.now();
  const sampler = setInterval(() => {
    const bytes = server.rssBytes();
    if (bytes !== undefined) rss.push({ at: performance.now() - t0, bytes });
    // The JavaScript heap beside it (the server's own /metrics), to tell heap growth from native memory.
    const at = performance.now() - t0;
    void heapUsedBytes(server.url).then((b) => b !== undefined && heap.push({ at, bytes: b }));
  }, Math.max(250, durationMs / 30));
  try {
    outcomes = await runLoad({ url: server.url, clients: CLIENTS, durationMs, source: createWorkload(SEED), token });
  } finally {
    clearInterval(sampler);
  }
  const figures = summarizeLoad(outcomes, performance.now() - t0);
  console.log(`server RSS over the run (s:MiB): ${formatMemoryTrace(rss)}`);
  console.log(`server JavaScript heap used (s:MiB): ${formatMemoryTrace(heap)}`);
  // CPU used during the run, to tell a saturated server from a saturated machine when reading the figures.
  const cpu = {
    server: (server.cpuSeconds() ?? 0) - cpuBefore.server,
    // undefined when the executor was replaced during the run (its CPU went with it).
    executor: executor === undefined ? undefined : cpuSeconds(executor),
  };
  console.log(
    `${formatLoad(`load, ${CLIENTS} clients × ${SECONDS} s`, figures, { ...rssThirds(rss), idle: idleRss })}\n` +
      `CPU during the run: server ${cpu.server.toFixed(1)} s, sandbox executor ${cpu.executor === undefined ? 'n/a (replaced)' : `${(cpu.executor - cpuBefore.executor).toFixed(1)} s`}; machine load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
  );
}, SECONDS * 1000 + 60_000);

afterAll(() => home?.cleanup());

/** dsbx_nodejs_heap_size_used_bytes from the server's /metrics, or undefined when it does not answer in time. */
async function heapUsedBytes(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const m = /^dsbx_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const pipelineOutcomes = (): Outcome[] => outcomes.filter((o) => o.pipeline);

describe(`${CLIENTS} clients for ${SECONDS} s of mixed traffic`, () => {
  it('gets a coded answer to every request, each one its request accepts', () => {
    expect(outcomes.length).toBeGreaterThan(CLIENTS);
    const unanswered = outcomes.filter((o) => o.code === 'NO_ANSWER' || o.code === 'UNCODED');
    expect(unanswered.slice(0, 10)).toEqual([]);
    const unexpected = outcomes.filter((o) => !o.accepted).map((o) => ({ kind: o.kind, status: o.status, code: o.code }));
    expect(unexpected.slice(0, 10)).toEqual([]);
  });

  it('answers no 5xx other than QUERY_TIMEOUT and RESOURCE_LIMIT', () => {
    const fiveXX = outcomes.filter((o) => o.status >= 500 && o.code !== 'QUERY_TIMEOUT' && o.code !== 'RESOURCE_LIMIT');
    expect(fiveXX.map((o) => ({ kind: o.kind, status: o.status, code: o.code })).slice(0, 10)).toEqual([]);
  });

  it('really ran the whole mix: releases, refusals, explains, dp answers, reads and timeouts', () => {
    const count = (kind: Outcome['kind'], code: Outcome['code']): number => outcomes.filter((o) => o.kind === kind && o.code === code).length;
    expect(count('allowed', 'OK')).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.kind === 'refused' && o.status >= 400 && o.status < 500).length).toBeGreaterThan(0);
    expect(count('explain', 'OK')).toBeGreaterThan(0);
    expect(count('dp', 'OK')).toBeGreaterThan(0);
    expect(count('catalog', 'OK') + count('budget', 'OK') + count('history', 'OK')).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.code === 'QUERY_TIMEOUT').length).toBeGreaterThan(0);
  });

  it('is still alive at the end and reports healthy', async () => {
    expect(server.proc.exitCode).toBeNull();
    expect(server.proc.signalCode).toBeNull();
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
  });

  it('keeps its memory stable: the last third of the run sits no higher than the first third allows', () => {
    expect(rss.length).toBeGreaterThanOrEqual(6);
    const { firstMax, lastMedian } = rssThirds(rss);
    expect(lastMedian).toBeLessThanOrEqual(firstMax * RSS_GROWTH_FACTOR + RSS_SLACK_BYTES);
  });

  it('keeps its memory bounded: no sample of the run passes twice the idle RSS plus 256 MiB', () => {
    expect(idleRss).toBeGreaterThan(0);
    expect(rssThirds(rss).peak).toBeLessThanOrEqual(idleRss * 2 + PEAK_SLACK_BYTES);
  });

  it('lets a reviewer read the record of any answer through GET /v1/lineage/{id} while it runs', async () => {
    const reviewer = await home.token('reviewer', 'load-reviewer');
    const answered = pipelineOutcomes();
    // An even sample across the run (first, last and in between), not only the latest records.
    const sample = Array.from({ length: Math.min(20, answered.length) }, (_, i) => answered[Math.floor((i * (answered.length - 1)) / 19)]!);
    for (const o of sample) {
      const res = await fetch(`${server.url}/v1/lineage/${o.lineageId}`, { headers: { authorization: `Bearer ${reviewer}` }, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: o.lineageId, kind: o.kind === 'explain' ? 'explain' : 'query' });
    }
  }, 60_000);

  describe('after a clean stop', () => {
    let records: Map<string, LineageRecord>;
    beforeAll(async () => {
      expect(await server.stop()).toMatchObject({ code: 0 });
      records = await recordsById(home.lineageDir);
    }, 60_000);

    it('holds a lineage record for every query and explain answer, of the kind asked', () => {
      const missing = pipelineOutcomes().filter((o) => o.lineageId === undefined || records.get(o.lineageId)?.kind !== (o.kind === 'explain' ? 'explain' : 'query'));
      expect(missing.map((o) => ({ kind: o.kind, code: o.code, lineageId: o.lineageId })).slice(0, 10)).toEqual([]);
    });

    it('holds exactly as many query records as query and explain requests reached the pipeline', () => {
      const attempts = [...records.values()].filter((r) => r.kind === 'query' || r.kind === 'explain');
      expect(attempts.length).toBe(pipelineOutcomes().length);
      expect(new Set(pipelineOutcomes().map((o) => o.lineageId)).size).toBe(attempts.length);
    });

    it('records as many released rows as each answer carried, and a refusal code for each refusal', () => {
      const wrong = pipelineOutcomes().filter((o) => {
        const r = records.get(o.lineageId!);
        if (!r) return true;
        if (o.code === 'OK') return o.kind !== 'explain' && r.result?.rowCount !== o.rows;
        return r.decision.code !== o.code;
      });
      expect(wrong.map((o) => ({ kind: o.kind, code: o.code })).slice(0, 10)).toEqual([]);
    });

    it('verifies with dsbx lineage verify', async () => {
      const verify = await runLineageVerify(home.env);
      expect(verify, verify.out).toMatchObject({ code: 0 });
    }, 60_000);
  });
});
