// Crash safety of governance transitions: the real `dsbx serve` process is killed with SIGKILL while clients
// submit applications back to back, so a kill can land between an event's fsync and its lineage record.
// After a restart every event of the governance log is named by exactly one governance lineage record (those
// the crash lost are written at startup, marked recovered), and every transition a client was answered for
// has its record on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKeys } from '../src/auth/keys.ts';
import { issueToken } from '../src/auth/issue.ts';
import { homePaths, loadConfig } from '../src/config.ts';
import { readLineageRecords } from '../src/lineage/record-reader.ts';
import { cachedDomainFile } from './support/domain.ts';

const projectRoot = path.resolve(import.meta.dirname, '..');
const bin = path.join(projectRoot, 'bin', 'dsbx.js');
const LOAD_MS = 1500;
const LOOPS = 6;

let home: string;
let env: NodeJS.ProcessEnv;
let token: string;
const started: ChildProcess[] = [];

/** Starts `dsbx serve --port 0` on the test's home; resolves with its address and its exit. */
function startServer(): Promise<{ proc: ChildProcess; url: string; exited: Promise<NodeJS.Signals | number | null> }> {
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(proc);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dsbx serve did not start:\n${out.slice(-2000)}`)), 20_000);
    const onData = (chunk: string): void => {
      out += chunk;
      const m = /dsbx listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], exited });
      }
    };
    proc.stdout!.setEncoding('utf8').on('data', onData);
    proc.stderr!.setEncoding('utf8').on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`dsbx serve exited (${how}) before listening:\n${out.slice(-2000)}`));
    });
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-gov-crash-'));
  fs.symlinkSync(await cachedDomainFile(3000), path.join(home, 'domain.duckdb'));
  env = { ...process.env, DSBX_HOME: home, DSBX_RATE_BURST: '1000000', DSBX_RATE_PER_SECOND: '1000000' };
  const keys = await loadOrCreateSigningKeys(home);
  token = (await issueToken(keys, loadConfig(env), { sub: 'crash-applicant', org: 'univ-a', role: 'researcher', datasets: [], ttl: '1h' })).token;
});
afterAll(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

const application = JSON.stringify({
  legalBasis: 'Measures art. 14', purpose: 'crash test', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
});

/** Submits applications back to back until the server is gone; keeps the lineage id of every answer received. */
async function clientLoop(url: string, received: string[]): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/applications`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: application,
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { lineageId?: string };
      if (res.status === 201 && typeof body.lineageId === 'string') received.push(body.lineageId);
    } catch {
      return;
    }
  }
}

describe('dsbx serve killed with SIGKILL while applications are submitted', () => {
  it('restarts with every governance event named by exactly one lineage record', async () => {
    const first = await startServer();
    const received: string[] = [];
    const loops = Array.from({ length: LOOPS }, () => clientLoop(first.url, received));
    await new Promise((r) => setTimeout(r, LOAD_MS));
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    await Promise.all(loops);
    expect(received.length).toBeGreaterThan(10);

    const second = await startServer();
    const lines = fs.readFileSync(path.join(homePaths(home).state, 'governance.ndjson'), 'utf8').split('\n').filter(Boolean);
    const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs.length).toBeGreaterThanOrEqual(received.length);

    const named: number[] = [];
    const onDisk = new Set<string>();
    let recovered = 0;
    for await (const r of readLineageRecords(homePaths(home).lineage)) {
      onDisk.add(r.id);
      if (r.kind !== 'governance') continue;
      named.push(...(r.governance?.events ?? []));
      if (r.governance?.recovered) recovered += 1;
    }
    expect(named.sort((a, b) => a - b)).toEqual(seqs);
    expect(received.filter((id) => !onDisk.has(id))).toEqual([]);
    // Informative only: whether this kill landed inside a gap is up to the scheduler.
    console.info(`governance crash test: ${seqs.length} events, ${received.length} answered, ${recovered} recovered at restart`);

    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
