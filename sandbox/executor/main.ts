// The executor process: the only place raw rows exist. It talks to the service only over the IPC channel,
// accepts only validated messages (an init, compiled queries, interrupts, shutdown), runs each query on
// a connection of the hardened instance that is its own while it runs (from a pool of ready ones), passes
// every result through the output gate, and answers with the gated result or a coded failure. Anything
// else it receives is dropped and logged.
import type { DuckDBConnection } from '@duckdb/node-api';
import { type } from 'arktype';
import { SandboxError, type FailureCause } from '../failure.ts';
import { checkPlan } from '../gate/check-plan.ts';
import { runOutputGate } from '../gate/output-gate.ts';
import { pseudonymKey } from '../gate/pseudonym.ts';
import { logEvent } from '../log.ts';
import { parseCompiledQuery, ToExecutor, type FromExecutorMessage, type ToExecutorMessage } from '../protocol.ts';
import { RememberedTexts } from './remembered-texts.ts';
import { ConnectionPool } from './connection-pool.ts';
import { classifyEngineError } from './engine-error.ts';
import { executorConcurrency } from './fork.ts';
import { openHardenedDomain } from './hardened-instance.ts';
import type { QueryEngine } from './run-query.ts';
import { runRelease } from './unit-count-by-rows.ts';
import { prepareTempDirectory, removeTempDirectory } from './temp-directory.ts';

interface Running {
  conn: DuckDBConnection | null;
  interrupted: boolean;
}

let engine: QueryEngine | null = null;
let serverSecret: Uint8Array | null = null;
let initializing = false;
let spillDir: string | null = null;
const running = new Map<number, Running>();

const send = (message: FromExecutorMessage): void => {
  if (process.connected) process.send?.(message);
};

const drop = (reason: string): void => logEvent('sandbox-executor', 'ipc_message_dropped', { reason });

async function init(message: Extract<ToExecutorMessage, { type: 'init' }>): Promise<void> {
  if (initializing || engine !== null) return drop('already_initialized');
  initializing = true;
  try {
    serverSecret = Buffer.from(message.pseudonymSecretHex, 'hex');
    spillDir = prepareTempDirectory(message.tmpDir);
    const hardened = await openHardenedDomain({ ...message, tmpDir: spillDir });
    // One ready connection per query the supervisor may run at once.
    const pool = await ConnectionPool.open(hardened.instance, executorConcurrency(process.env));
    engine = { pool, domain: hardened.domain, allowed: new RememberedTexts(), undecidedByRows: new RememberedTexts() };
    logEvent('sandbox-executor', 'ready', { tables: hardened.domain.tables.size, connections: pool.idle });
    send({ type: 'ready' });
  } catch {
    logEvent('sandbox-executor', 'init_failed');
    send({ type: 'fatal', cause: 'executor_unavailable' });
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  }
}

async function execute(message: Extract<ToExecutorMessage, { type: 'execute' }>): Promise<void> {
  const { id } = message;
  if (running.has(id)) return drop('duplicate_id');
  const entry: Running = { conn: null, interrupted: false };
  running.set(id, entry);
  try {
    if (engine === null || serverSecret === null) throw new SandboxError('executor_unavailable');
    const compiled = parseCompiledQuery(message.compiled);
    if (compiled === undefined) throw new SandboxError('plan_invalid');
    checkPlan(compiled);
    const started = performance.now();
    const run = await runRelease(engine, compiled, {
      onConnection: (conn) => {
        entry.conn = conn;
      },
      interrupted: () => entry.interrupted,
    });
    const executeMs = performance.now() - started;
    const result = runOutputGate(run.raw, compiled, { pseudonymKey: pseudonymKey(serverSecret, message.ctx.subject) }, executeMs);
    send({ type: 'result', id, result: run.sql === compiled.sql ? result : { ...result, answeredBy: run.sql } });
  } catch (e) {
    const cause: FailureCause = classifyEngineError(e, entry.interrupted).cause_;
    logEvent('sandbox-executor', 'query_failed', { queryId: message.ctx.queryId, cause });
    send({ type: 'failure', id, cause });
  } finally {
    running.delete(id);
  }
}

/**
 * Exits, interrupting the queries still running first: process.exit() does not return while DuckDB is
 * executing on a worker thread, so an executor told to stop (or orphaned) would run a heavy query to its end.
 */
function exitNow(code: number): never {
  for (const id of running.keys()) interrupt(id);
  process.exit(code);
}

function interrupt(id: number): void {
  const entry = running.get(id);
  if (entry === undefined) return;
  entry.interrupted = true;
  entry.conn?.interrupt();
}

process.on('message', (data: unknown) => {
  const message = ToExecutor(data);
  if (message instanceof type.errors) return drop('schema');
  switch (message.type) {
    case 'init':
      return void init(message);
    case 'execute':
      return void execute(message);
    case 'interrupt':
      return interrupt(message.id);
    case 'shutdown':
      logEvent('sandbox-executor', 'shutdown');
      // Interrupted before their spill files are removed from under them.
      for (const id of running.keys()) interrupt(id);
      if (spillDir !== null) removeTempDirectory(spillDir);
      return exitNow(0);
  }
});

send({ type: 'started' });

// Without the service there is nobody to answer: leave rather than linger with the data open. Not through
// process.exit(): it can still wait on DuckDB's threads (a query still being set up cannot be interrupted yet),
// and an orphan under load was seen to outlive its server by more than 10 s. The domain is opened read-only,
// so nothing needs flushing: the spill files are removed and the process ends at once.
function leaveNow(): never {
  for (const id of running.keys()) interrupt(id);
  if (spillDir !== null) removeTempDirectory(spillDir);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}
process.on('disconnect', leaveNow);
// A second net: if the IPC channel's close is ever missed, a changed parent (re-parented to init) still ends us.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) leaveNow();
}, 1000).unref();
process.on('uncaughtException', () => {
  logEvent('sandbox-executor', 'uncaught_exception');
  process.exit(70);
});
process.on('unhandledRejection', () => {
  logEvent('sandbox-executor', 'unhandled_rejection');
  process.exit(70);
});
