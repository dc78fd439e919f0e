// A real `dsbx serve` child process for the load and fault tests: its own DSBX_HOME around a cached domain,
// tokens signed with its keys, its RSS and its sandbox executor's pid read from /proc (Linux), so that memory
// figures are the server's own and a SIGKILL is a real one.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueToken } from '../../src/auth/issue.ts';
import { loadOrCreateSigningKeys } from '../../src/auth/keys.ts';
import type { Role } from '../../src/auth/principal.ts';
import { homePaths, loadConfig } from '../../src/config.ts';
import { cachedDomainFile } from '../support/domain.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DSBX_BIN = path.join(PROJECT_ROOT, 'bin', 'dsbx.js');
const START_TIMEOUT_MS = 30_000;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly exited: Promise<Exit>;
  /** Everything the server printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Resident set size in bytes, or undefined once the process is gone. */
  rssBytes(): number | undefined;
  /** CPU seconds (user + system) the process has used so far, or undefined once it is gone. */
  cpuSeconds(): number | undefined;
  /** The sandbox executor: the server's child process running sandbox/executor/main.ts. */
  executorPid(): number | undefined;
  /** SIGTERM, then waits for a clean exit (the lineage log writes its final checkpoint). */
  stop(): Promise<Exit>;
}

/** A DSBX_HOME shared by the server processes a test starts one after the other. */
export interface TestHome {
  readonly home: string;
  readonly lineageDir: string;
  /** The environment every process of the test runs with (DSBX_HOME and the given overrides). */
  readonly env: NodeJS.ProcessEnv;
  token(role: Role, sub?: string): Promise<string>;
  /** Starts `dsbx serve --port 0` and resolves once it announces its address. */
  start(opts?: { readonly env?: NodeJS.ProcessEnv }): Promise<ServerProcess>;
  /** SIGKILLs whatever is still running and removes the home. */
  cleanup(): void;
}

export async function createTestHome(opts: { readonly scale?: number; readonly env?: Record<string, string> } = {}): Promise<TestHome> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-reliability-'));
  fs.symlinkSync(await cachedDomainFile(opts.scale ?? 3000), path.join(home, 'domain.duckdb'));
  const env: NodeJS.ProcessEnv = { ...process.env, DSBX_HOME: home, ...opts.env };
  const config = loadConfig(env);
  // The keys the server will load: created here first so that tokens can be issued before it starts.
  const keys = await loadOrCreateSigningKeys(home);
  const started: ChildProcess[] = [];
  return {
    home,
    lineageDir: homePaths(home).lineage,
    env,
    token: async (role, sub = `reliability-${role}`) =>
      (await issueToken(keys, config, { sub, org: 'reliability-org', role, datasets: 'all', ttl: '1h' })).token,
    start: async (startOpts = {}) => {
      const server = await startServer({ ...env, ...startOpts.env });
      started.push(server.proc);
      return server;
    },
    cleanup: () => {
      for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function startServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [DSBX_BIN, 'serve', '--port', '0'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const pid = proc.pid!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dsbx serve did not announce its address in time:\n${out.slice(-3000)}`)), START_TIMEOUT_MS);
    let announced = false;
    const onData = (chunk: string): void => {
      // Only the tail is kept: a long load makes the server log a line per request.
      out = (out + chunk).slice(-200_000);
      const m = announced ? null : /dsbx listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        announced = true;
        clearTimeout(timer);
        resolve({
          proc,
          pid,
          url: m[1],
          exited,
          output: () => out,
          rssBytes: () => rssBytes(pid),
          cpuSeconds: () => cpuSeconds(pid),
          executorPid: () => childPids(pid).find((c) => commandLine(c).includes('executor')),
          stop: async () => {
            proc.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    proc.stdout!.setEncoding('utf8').on('data', onData);
    proc.stderr!.setEncoding('utf8').on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!announced) reject(new Error(`dsbx serve exited (${code ?? signal}) before listening:\n${out.slice(-3000)}`));
    });
  });
}

/** VmRSS of a process from /proc/<pid>/status, in bytes. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in seconds. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The live child processes of `pid` (their parent pid is field 4 of /proc/<child>/stat). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may hold spaces: read after its closing one.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
