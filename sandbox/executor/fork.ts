// How the executor process is started: TypeScript run through tsx's loader (resolved from here, so it works
// under vitest and under `npx tsx` alike), with only the environment it needs.
import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const EXECUTOR_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const PROJECT_ROOT = path.resolve(path.dirname(EXECUTOR_ENTRY), '..', '..');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Tells the executor how many queries may run in it at once: the size of its connection pool. */
const CONCURRENCY_ENV = 'DSBX_EXECUTOR_CONCURRENCY';

/** The executor's side: the concurrency its parent forked it with (1 when absent or not a positive integer). */
export function executorConcurrency(env: NodeJS.ProcessEnv): number {
  const n = Number(env[CONCURRENCY_ENV]);
  return Number.isInteger(n) && n >= 1 && n <= 1024 ? n : 1;
}

export function forkExecutor(opts: { concurrency: number; stdio?: StdioOptions }): ChildProcess {
  return fork(EXECUTOR_ENTRY, [], {
    cwd: PROJECT_ROOT,
    execArgv: ['--import', TSX_LOADER],
    // Only what the executor needs: the service's environment may hold tokens and keys. The libuv pool
    // runs DuckDB's calls, so it must be larger than the number of queries running at once.
    env: {
      PATH: process.env.PATH ?? '',
      UV_THREADPOOL_SIZE: String(opts.concurrency + 4),
      [CONCURRENCY_ENV]: String(opts.concurrency),
      ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
    },
    stdio: opts.stdio ?? ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}
