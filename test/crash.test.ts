// Crash safety of the whole service: the real `dsbx serve` process, under concurrent queries, is killed with
// SIGKILL while requests are in flight; restarted on the same DSBX_HOME, its lineage log verifies with
// `dsbx lineage verify`, every answer a client had received (200, or a coded refusal with a lineage id)
// has its record on disk, and the service answers again.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKeys } from '../src/auth/keys.ts';
import { issueToken } from '../src/auth/issue.ts';
import { homePaths, loadConfig } from '../src/config.ts';
import { readLineageRecords } from '../src/lineage/record-reader.ts';
import { loadAllowed, loadRefused } from '../src/sql/fixtures/load.ts';
import { cachedDomainFile } from './support/domain.ts';

const projectRoot = path.resolve(import.meta.dirname, '..');
const bin = path.join(projectRoot, 'bin', 'dsbx.js');
const LOAD_MS = 2000;
const LOOPS = 8;
const START_TIMEOUT_MS = 20_000;

interface RunningChild {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

let home: string;
let env: NodeJS.ProcessEnv;
let token: string;
const started: ChildProcess[] = [];

/** Starts `dsbx serve --port 0` on the test's home and resolves once it prints the address it listens on. */
function startServer(): Promise<RunningChild> {
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dsbx serve did not announce its address in time:\n${out.slice(-3000)}`)), START_TIMEOUT_MS);
    const onData = (chunk: string): void => {
      out += chunk;
      const m = /dsbx listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], exited, output: () => out });
      }
    };
    proc.stdout!.setEncoding('utf8').on('data', onData);
    proc.stderr!.setEncoding('utf8').on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`dsbx serve exited (${code ?? signal}) before listening:\n${out.slice(-3000)}`));
    });
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-crash-'));
  fs.symlinkSync(await cachedDomainFile(3000), path.join(home, 'domain.duckdb'));
  env = {
    ...process.env,
    DSBX_HOME: home,
    DSBX_RATE_BURST: '1000000',
    DSBX_RATE_PER_SECOND: '1000000',
    // Checkpoints every few records, so the kill also lands between and around signed checkpoints.
    DSBX_LINEAGE_CHECKPOINT_EVERY: '25',
  };
  const config = loadConfig(env);
  const keys = await loadOrCreateSigningKeys(home);
  token = (await issueToken(keys, config, { sub: 'crash-developer', org: 'crash-org', role: 'developer', datasets: 'all', ttl: '1h' })).token;
});

afterAll(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** The queries of the load: legitimate threshold-profile ones (answered) and refused ones, alternating. */
function workload(): { sql: string; mode: 'aggregate' | 'rows' }[] {
  const allowed = loadAllowed().filter((f) => !/\bhealth\./i.test(f.sql)).slice(0, 12);
  const refused = loadRefused().filter((_, i) => i % 25 === 0);
  const out: { sql: string; mode: 'aggregate' | 'rows' }[] = [];
  for (let i = 0; i < Math.max(allowed.length, refused.length); i++) {
    const a = allowed[i % allowed.length]!;
    const r = refused[i % refused.length]!;
    out.push({ sql: a.sql, mode: a.mode }, { sql: r.sql, mode: r.mode });
  }
  return out;
}

interface Received {
  readonly status: number;
  readonly lineageId: string;
}

/** One client loop: sends queries back to back until the server is gone; keeps every answer it received whole. */
async function clientLoop(url: string, offset: number, queries: { sql: string; mode: string }[], received: Received[]): Promise<number> {
  let failures = 0;
  for (let i = offset; ; i++) {
    const q = queries[i % queries.length]!;
    let status: number;
    let body: Record<string, any>;
    try {
      const res = await fetch(`${url}/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql: q.sql, mode: q.mode, purpose: 'crash test' }),
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      body = (await res.json()) as Record<string, any>;
    } catch {
      // The server died under this request (or the body was cut): no answer was received, so nothing is owed.
      return failures;
    }
    const lineageId = status === 200 ? body.lineageId : body.error?.lineageId;
    if (status === 200 || (status >= 400 && status < 500 && typeof body.error?.code === 'string')) {
      if (typeof lineageId === 'string') received.push({ status, lineageId });
      else failures += 1;
    } else failures += 1;
  }
}

describe('dsbx serve killed with SIGKILL under concurrent load', () => {
  it('restarts with a verifying lineage log that holds every answer a client received', async () => {
    const first = await startServer();
    const received: Received[] = [];
    const queries = workload();
    const loops = Array.from({ length: LOOPS }, (_, i) => clientLoop(first.url, i * 3, queries, received));
    await new Promise((r) => setTimeout(r, LOAD_MS));
    const beforeKill = received.length;
    first.proc.kill('SIGKILL');
    const death = await first.exited;
    expect(death.signal).toBe('SIGKILL');
    const failures = (await Promise.all(loops)).reduce((a, b) => a + b, 0);

    // The load was real: both answers and refusals arrived, and every answer carried its lineage id.
    expect(beforeKill).toBeGreaterThan(20);
    expect(received.some((r) => r.status === 200)).toBe(true);
    expect(received.some((r) => r.status !== 200)).toBe(true);
    expect(failures).toBe(0);

    const second = await startServer();
    const lineageDir = homePaths(home).lineage;
    const verify = await promisify(execFile)(process.execPath, [bin, 'lineage', 'verify'], { cwd: projectRoot, env, timeout: 20_000 }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(verify, verify.out).toMatchObject({ code: 0 });

    const onDisk = new Set<string>();
    for await (const record of readLineageRecords(lineageDir)) onDisk.add(record.id);
    expect(received.filter((r) => !onDisk.has(r.lineageId))).toEqual([]);
    expect(onDisk.size).toBeGreaterThanOrEqual(received.length);

    const res = await fetch(`${second.url}/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT district, count(*) AS n FROM population.residents GROUP BY district', purpose: 'after the crash' }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as Record<string, any>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.rows.length).toBeGreaterThan(0);

    second.proc.kill('SIGTERM');
    expect(await second.exited).toMatchObject({ code: 0 });
    let last: string | undefined;
    for await (const record of readLineageRecords(lineageDir)) last = record.id;
    expect(last).toBe(body.lineageId);
  }, 60_000);
});
