// Fault: the lineage store cannot write. The running server's file-size limit (RLIMIT_FSIZE, set from outside
// with prlimit; Node ignores SIGXFSZ, so a write past it fails with EFBIG as it would with ENOSPC) is lowered to
// the current size of its lineage segment, so that every append fails for real. A query whose record cannot
// be written must answer a coded error and release nothing, /healthz must name the failing check, and once
// space returns (the limit lifted) the service records and answers again and the chain verifies.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentFileName } from '../../src/lineage/segment-files.ts';
import { runLoad, sendRequest, type Outcome } from '../load/load-driver.ts';
import { recordsById, runLineageVerify } from '../load/lineage-checks.ts';
import { createTestHome, type ServerProcess, type TestHome } from '../load/server-process.ts';
import { createWorkload, DEFAULT_MIX } from '../load/workload.ts';

const OUTAGE_MS = 2000;
const CLIENTS = 6;

/** Sets the soft file-size limit of a running process (bytes, or 'unlimited'); the hard limit stays as it is. */
async function setFileSizeLimit(pid: number, limit: number | 'unlimited'): Promise<void> {
  await promisify(execFile)('prlimit', ['--pid', String(pid), `--fsize=${limit}:`]);
}

const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;

let home: TestHome;
let server: ServerProcess;
let token: string;
let segment: string;
const received: { lineageId: string; rows: number }[] = [];

async function query(sql: string): Promise<Response> {
  return fetch(`${server.url}/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql, purpose: 'disk full test' }),
    signal: AbortSignal.timeout(30_000),
  });
}

const BY_DISTRICT = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district';

beforeAll(async () => {
  home = await createTestHome({ env: { DSBX_RATE_BURST: '100000', DSBX_RATE_PER_SECOND: '100000' } });
  server = await home.start();
  token = await home.token('developer', 'disk-full-developer');
  for (let i = 0; i < 3; i++) {
    const body = await json(await query(BY_DISTRICT));
    received.push({ lineageId: body.lineageId, rows: body.rows.length });
  }
  segment = path.join(home.lineageDir, segmentFileName(1));
}, 60_000);

afterAll(() => home?.cleanup());

describe('when the lineage store cannot write (file size limit reached)', () => {
  let outcomes: Outcome[];
  let sizeAtLimit: number;
  let health: { status: number; body: Record<string, any> };

  beforeAll(async () => {
    sizeAtLimit = fs.statSync(segment).size;
    await setFileSizeLimit(server.pid, sizeAtLimit);
    const mix = { ...DEFAULT_MIX, heavy: 0, timeout: 0 };
    outcomes = await runLoad({ url: server.url, clients: CLIENTS, durationMs: OUTAGE_MS, source: createWorkload(7, mix), token });
    // However slow the machine, at least this query, which would release rows, is attempted during the outage.
    const allowed = { kind: 'allowed', method: 'POST', path: '/v1/query', body: { sql: BY_DISTRICT, purpose: 'disk full test' }, pipeline: true, accept: new Set(['OK'] as const) } as const;
    outcomes.push(await sendRequest(server.url, token, allowed, { client: CLIENTS, t0: performance.now() }));
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    health = { status: res.status, body: await json(res) };
  }, 60_000);

  it('answers every query and explain with the coded UNAVAILABLE (503), and releases no rows', () => {
    const attempts = outcomes.filter((o) => o.pipeline);
    expect(attempts.some((o) => o.kind === 'allowed')).toBe(true);
    expect(attempts.filter((o) => o.code !== 'UNAVAILABLE' || o.status !== 503 || o.rows !== undefined).slice(0, 10)).toEqual([]);
  });

  it('gives no lineage id for an attempt it could not record', () => {
    expect(outcomes.filter((o) => o.pipeline && o.lineageId !== undefined)).toEqual([]);
  });

  it('keeps serving what needs no record (catalog, budget, history)', async () => {
    const reads = outcomes.filter((o) => !o.pipeline);
    expect(reads.filter((o) => o.code !== 'OK')).toEqual([]);
    const res = await fetch(`${server.url}/v1/catalog`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('leaves the segment ending on its last durable record (failed writes taken back)', () => {
    expect(fs.statSync(segment).size).toBe(sizeAtLimit);
  });

  it('stays up and reports the lineage check failing on /healthz', () => {
    expect(server.proc.exitCode).toBeNull();
    expect(health.status).toBe(503);
    expect(health.body.error).toMatchObject({ code: 'UNAVAILABLE', details: { failing: ['lineage'] } });
  });

  describe('once space returns', () => {
    beforeAll(async () => {
      await setFileSizeLimit(server.pid, 'unlimited');
    });

    it('records and answers queries again, and /healthz is ok', async () => {
      const res = await query(BY_DISTRICT);
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(200);
      received.push({ lineageId: body.lineageId, rows: body.rows.length });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    });

    it('holds exactly the records of the answers given, and the chain verifies', async () => {
      expect(await server.stop()).toMatchObject({ code: 0 });
      const records = await recordsById(home.lineageDir);
      expect([...records.values()].filter((r) => r.kind === 'query').length).toBe(received.length);
      for (const r of received) expect(records.get(r.lineageId)?.result?.rowCount).toBe(r.rows);
      const verify = await runLineageVerify(home.env);
      expect(verify, verify.out).toMatchObject({ code: 0 });
    }, 60_000);
  });
});
