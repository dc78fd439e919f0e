// Fault: the server process is killed with SIGKILL under the mixed load (heavy joins, dp, explain, refusals in
// flight). Restarted on the same DSBX_HOME, its chain verifies, every answer a client received before the
// kill has its record, the orphaned sandbox executor has gone, and the new server answers and records again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageRecord } from '../../src/lineage/record.ts';
import { runLoad, type Outcome } from '../load/load-driver.ts';
import { formatLoad, summarizeLoad } from '../load/load-summary.ts';
import { recordsById, runLineageVerify } from '../load/lineage-checks.ts';
import { createTestHome, type Exit, type ServerProcess, type TestHome } from '../load/server-process.ts';
import { createWorkload, DEFAULT_MIX } from '../load/workload.ts';

const CLIENTS = 10;
const KILL_AFTER_MS = 4_000;
const AFTER_RESTART_MS = 2_000;

let home: TestHome;
let first: ServerProcess;
let token: string;
let before: Outcome[] = [];
let death: Exit;
let orphanGone = false;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  home = await createTestHome({
    env: {
      DSBX_RATE_BURST: '100000',
      DSBX_RATE_PER_SECOND: '100000',
      DSBX_QUERY_TIMEOUT_MS: '1500',
      // Checkpoints every few records, so that the kill also lands between and around signed checkpoints.
      DSBX_LINEAGE_CHECKPOINT_EVERY: '25',
    },
  });
  first = await home.start();
  token = await home.token('developer', 'server-kill-developer');
  const stop = new AbortController();
  const t0 = performance.now();
  const load = runLoad({ url: first.url, clients: CLIENTS, durationMs: 10 * KILL_AFTER_MS, source: createWorkload(23, DEFAULT_MIX), token, signal: stop.signal });
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  const executor = first.executorPid();
  first.proc.kill('SIGKILL');
  death = await first.exited;
  stop.abort();
  before = await load;
  console.log(`${formatLoad('server SIGKILLed under load', summarizeLoad(before, performance.now() - t0))}\n`);
  // The executor loses its IPC channel with the server and must exit rather than linger with the domain open.
  for (let i = 0; i < 100 && executor !== undefined && alive(executor); i++) await new Promise((r) => setTimeout(r, 100));
  orphanGone = executor !== undefined && !alive(executor);
}, 10 * KILL_AFTER_MS + 60_000);

afterAll(() => home?.cleanup());

describe('SIGKILL of the server under load', () => {
  it('was a real kill in the middle of real traffic', () => {
    expect(death.signal).toBe('SIGKILL');
    const answered = before.filter((o) => o.status !== 0);
    expect(answered.filter((o) => o.pipeline && o.code === 'OK').length).toBeGreaterThan(0);
    // Cut off by the kill: these answers never arrived, so no record is owed for them.
    expect(before.filter((o) => o.status === 0).length).toBeGreaterThan(0);
  });

  it('had answered every request before the kill with a code the request accepts', () => {
    const wrong = before.filter((o) => o.status !== 0 && !o.accepted);
    expect(wrong.map((o) => ({ kind: o.kind, status: o.status, code: o.code })).slice(0, 10)).toEqual([]);
  });

  it('leaves no sandbox executor behind', () => {
    expect(orphanGone).toBe(true);
  });

  describe('restarted on the same home', () => {
    let second: ServerProcess;
    let records: Map<string, LineageRecord>;
    let after: Outcome[];

    beforeAll(async () => {
      second = await home.start();
      records = await recordsById(home.lineageDir);
    }, 60_000);

    it('verifies the chain with dsbx lineage verify', async () => {
      const verify = await runLineageVerify(home.env);
      expect(verify, verify.out).toMatchObject({ code: 0 });
    }, 60_000);

    it('holds the record of every answer a client received before the kill', () => {
      const answered = before.filter((o) => o.pipeline && o.status !== 0);
      expect(answered.filter((o) => o.lineageId === undefined || !records.has(o.lineageId))).toEqual([]);
      // Attempts cut by the kill may or may not have been recorded; none was recorded twice or invented.
      const attempts = [...records.values()].filter((r) => r.kind === 'query' || r.kind === 'explain');
      expect(attempts.length).toBeGreaterThanOrEqual(answered.length);
      expect(attempts.length).toBeLessThanOrEqual(before.filter((o) => o.pipeline).length);
    });

    it('answers and records again, and the chain still verifies after a clean stop', async () => {
      after = await runLoad({ url: second.url, clients: 4, durationMs: AFTER_RESTART_MS, source: createWorkload(29, { ...DEFAULT_MIX, timeout: 0 }), token });
      expect(after.filter((o) => !o.accepted).map((o) => ({ kind: o.kind, code: o.code }))).toEqual([]);
      expect(after.filter((o) => o.code === 'OK' && o.pipeline).length).toBeGreaterThan(0);
      expect(await second.stop()).toMatchObject({ code: 0 });
      const now = await recordsById(home.lineageDir);
      expect(after.filter((o) => o.pipeline && (o.lineageId === undefined || !now.has(o.lineageId)))).toEqual([]);
      const verify = await runLineageVerify(home.env);
      expect(verify, verify.out).toMatchObject({ code: 0 });
    }, 60_000);
  });
});
