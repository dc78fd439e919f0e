// The service's side of the sandbox: starts the executor process, feeds it compiled queries under a
// concurrency cap with a bounded queue, enforces the per-query timeout (interrupt first, SIGKILL if the
// process does not answer within the grace period), and restarts the process whenever it dies, failing
// only the queries that were in it. Callers see gated results or an AppError with a code; never engine text.
import type { ChildProcess } from 'node:child_process';
import { type } from 'arktype';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { forkExecutor } from './executor/fork.ts';
import { SandboxError } from './failure.ts';
import type { GateResult } from './gate/types.ts';
import { logEvent } from './log.ts';
import { BYTE_SIZE, FromExecutor, parseCompiledQuery, parseGateResult, type FromExecutorMessage, type ToExecutorMessage } from './protocol.ts';

export type { GateResult } from './gate/types.ts';

export interface SandboxOptions {
  readonly domainFile: string;
  readonly tmpDir: string;
  /** The server secret from which per-license pseudonym keys are derived (bytes, or text taken as UTF-8). */
  readonly pseudonymSecret: Uint8Array | string;
  readonly threads: number;
  readonly memoryLimit: string;
  readonly tempDirectorySize: string;
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
}

const OptionsSchema = type({
  domainFile: 'string > 0',
  tmpDir: 'string > 0',
  threads: 'number.integer >= 1',
  memoryLimit: BYTE_SIZE,
  tempDirectorySize: BYTE_SIZE,
  concurrency: 'number.integer >= 1',
  queueLimit: 'number.integer >= 0',
  timeoutMs: 'number.integer >= 1',
  killGraceMs: 'number.integer >= 1',
});

/** How long a new executor may take to open the domain before the start counts as failed. */
const STARTUP_TIMEOUT_MS = 60_000;

interface Pending {
  readonly id: number;
  readonly compiled: CompiledQuery;
  readonly ctx: { readonly subject: string; readonly queryId: string };
  readonly resolve: (r: GateResult) => void;
  readonly reject: (e: SandboxError) => void;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
}

interface Executor {
  readonly process: ChildProcess;
  ready: boolean;
  /** Queries that timed out and whose interrupt the executor has not confirmed yet. */
  readonly unconfirmed: Set<number>;
}

export class Sandbox {
  readonly #opts: SandboxOptions;
  readonly #secretHex: string;
  #executor: Executor | null = null;
  #starting: Promise<void> | null = null;
  readonly #inFlight = new Map<number, Pending>();
  #queue: Pending[] = [];
  #nextId = 1;
  #restarts = 0;
  #closed = false;

  private constructor(opts: SandboxOptions, secretHex: string) {
    this.#opts = opts;
    this.#secretHex = secretHex;
  }

  /** Validates the options, starts the executor and waits until its hardened instance is open. */
  static async start(opts: SandboxOptions): Promise<Sandbox> {
    const checked = OptionsSchema(opts);
    if (checked instanceof type.errors) throw new Error(`sandbox options: ${checked.summary}`);
    const secret = typeof opts.pseudonymSecret === 'string' ? Buffer.from(opts.pseudonymSecret, 'utf8') : Buffer.from(opts.pseudonymSecret);
    if (secret.length < 16) throw new Error('sandbox options: the pseudonym secret must be at least 16 bytes');
    const sandbox = new Sandbox(opts, secret.toString('hex'));
    await sandbox.#ensureExecutor();
    if (sandbox.#executor === null) throw new SandboxError('executor_unavailable');
    return sandbox;
  }

  /** Runs a compiled query in the executor and resolves with what passed the output gate. */
  execute(compiled: CompiledQuery, ctx: { subject: string; queryId: string }): Promise<GateResult> {
    if (this.#closed) return Promise.reject(new SandboxError('executor_unavailable'));
    // Validated here and again in the executor: the protocol is a trust boundary both ways.
    const valid = parseCompiledQuery(compiled);
    if (valid === undefined) return Promise.reject(new SandboxError('plan_invalid'));
    if (this.#inFlight.size >= this.#opts.concurrency && this.#queue.length >= this.#opts.queueLimit) {
      return Promise.reject(new SandboxError('queue_full'));
    }
    return new Promise<GateResult>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, compiled: valid, ctx: { subject: ctx.subject, queryId: ctx.queryId }, resolve, reject, settled: false, timer: undefined, graceTimer: undefined });
      this.#pump();
    });
  }

  stats(): { restarts: number; inFlight: number; queued: number } {
    return { restarts: this.#restarts, inFlight: this.#inFlight.size, queued: this.#queue.length };
  }

  /** The executor's process id, for operators and tests (e.g. to kill it and watch the restart). */
  executorPid(): number | undefined {
    return this.#executor?.process.pid;
  }

  /** Stops accepting queries, fails the waiting and running ones, and stops the executor. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#queue) this.#settle(p, new SandboxError('executor_unavailable'));
    this.#queue = [];
    for (const p of this.#inFlight.values()) this.#finish(p, new SandboxError('executor_unavailable'));
    // An executor still starting is let finish, so that it is shut down below rather than left running.
    if (this.#starting !== null) await this.#starting;
    const executor = this.#executor;
    this.#executor = null;
    if (executor === null || executor.process.exitCode !== null || executor.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => executor.process.once('exit', () => resolve()));
    this.#send(executor, { type: 'shutdown' });
    const timer = setTimeout(() => executor.process.kill('SIGKILL'), this.#opts.killGraceMs);
    await exited;
    clearTimeout(timer);
  }

  #pump(): void {
    const executor = this.#executor;
    if (executor === null || !executor.ready) {
      if (!this.#closed) void this.#ensureExecutor();
      return;
    }
    // An executor that has not confirmed an interrupt may be about to be killed: new queries wait for
    // the confirmation (or the replacement) instead of being lost with it.
    if (executor.unconfirmed.size > 0) return;
    while (this.#inFlight.size < this.#opts.concurrency && this.#queue.length > 0) {
      const p = this.#queue.shift() as Pending;
      if (p.settled) continue;
      this.#inFlight.set(p.id, p);
      this.#send(executor, { type: 'execute', id: p.id, compiled: p.compiled as unknown as object, ctx: p.ctx });
      p.timer = setTimeout(() => this.#timedOut(executor, p), this.#opts.timeoutMs);
    }
  }

  // The caller gets QUERY_TIMEOUT now; the slot stays taken until the executor confirms or is killed.
  #timedOut(executor: Executor, p: Pending): void {
    this.#settle(p, new SandboxError('timeout'));
    executor.unconfirmed.add(p.id);
    this.#send(executor, { type: 'interrupt', id: p.id });
    p.graceTimer = setTimeout(() => {
      if (this.#inFlight.get(p.id) !== p || this.#executor !== executor) return;
      logEvent('sandbox-supervisor', 'executor_unresponsive', { graceMs: this.#opts.killGraceMs });
      executor.process.kill('SIGKILL');
    }, this.#opts.killGraceMs);
  }

  #settle(p: Pending, outcome: GateResult | SandboxError): void {
    if (p.settled) return;
    p.settled = true;
    if (outcome instanceof SandboxError) p.reject(outcome);
    else p.resolve(outcome);
  }

  #finish(p: Pending, outcome: GateResult | SandboxError): void {
    clearTimeout(p.timer);
    clearTimeout(p.graceTimer);
    this.#inFlight.delete(p.id);
    this.#settle(p, outcome);
  }

  #send(executor: Executor, message: ToExecutorMessage): void {
    if (executor.process.connected) executor.process.send(message);
  }

  #onMessage(executor: Executor, data: unknown): void {
    const message = FromExecutor(data);
    if (message instanceof type.errors) {
      logEvent('sandbox-supervisor', 'ipc_message_dropped', { reason: 'schema' });
      return;
    }
    this.#handle(executor, message);
  }

  #handle(executor: Executor, message: FromExecutorMessage): void {
    switch (message.type) {
      case 'started':
        this.#send(executor, {
          type: 'init',
          domainFile: this.#opts.domainFile,
          tmpDir: this.#opts.tmpDir,
          pseudonymSecretHex: this.#secretHex,
          threads: this.#opts.threads,
          memoryLimit: this.#opts.memoryLimit,
          tempDirectorySize: this.#opts.tempDirectorySize,
        });
        return;
      case 'ready':
      case 'fatal':
        // Handled by the start-up promise in #spawn.
        return;
      case 'result':
      case 'failure': {
        const p = this.#inFlight.get(message.id);
        if (p === undefined || this.#executor !== executor) {
          logEvent('sandbox-supervisor', 'ipc_message_dropped', { reason: 'unknown_query' });
          return;
        }
        executor.unconfirmed.delete(p.id);
        const outcome = message.type === 'failure' ? new SandboxError(message.cause) : (parseGateResult(message.result) ?? new SandboxError('malformed_message'));
        this.#finish(p, outcome);
        this.#pump();
        return;
      }
    }
  }

  #onExit(executor: Executor, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#executor !== executor) return;
    this.#executor = null;
    logEvent('sandbox-supervisor', 'executor_exited', { code, signal, inFlight: this.#inFlight.size });
    for (const p of [...this.#inFlight.values()]) this.#finish(p, new SandboxError('executor_crashed'));
    if (this.#closed) return;
    this.#restarts++;
    this.#pump();
  }

  /** Starts an executor unless one is running or starting; on failure, the queries waiting for it fail. */
  #ensureExecutor(): Promise<void> {
    if (this.#executor !== null || this.#closed) return Promise.resolve();
    if (this.#starting !== null) return this.#starting;
    this.#starting = this.#spawn()
      .then(
        () => this.#pump(),
        () => {
          logEvent('sandbox-supervisor', 'executor_start_failed');
          for (const p of this.#queue) this.#settle(p, new SandboxError('executor_unavailable'));
          this.#queue = [];
        },
      )
      .finally(() => {
        this.#starting = null;
      });
    return this.#starting;
  }

  #spawn(): Promise<void> {
    const child = forkExecutor({ concurrency: this.#opts.concurrency });
    const executor: Executor = { process: child, ready: false, unconfirmed: new Set() };
    this.#executor = executor;
    return new Promise<void>((resolve, reject) => {
      const fail = (): void => {
        clearTimeout(timer);
        if (this.#executor === executor) this.#executor = null;
        child.kill('SIGKILL');
        reject(new SandboxError('executor_unavailable'));
      };
      const timer = setTimeout(fail, STARTUP_TIMEOUT_MS);
      const onStartup = (data: unknown): void => {
        const m = FromExecutor(data);
        if (m instanceof type.errors) return;
        if (m.type === 'ready') {
          clearTimeout(timer);
          child.off('message', onStartup);
          executor.ready = true;
          resolve();
        } else if (m.type === 'fatal') {
          child.off('message', onStartup);
          fail();
        }
      };
      child.on('message', onStartup);
      child.on('message', (data: unknown) => this.#onMessage(executor, data));
      child.once('error', () => {
        if (!executor.ready) fail();
      });
      child.once('exit', (code, signal) => {
        if (!executor.ready) {
          clearTimeout(timer);
          if (this.#executor === executor) this.#executor = null;
          reject(new SandboxError('executor_unavailable'));
          return;
        }
        this.#onExit(executor, code, signal);
      });
    });
  }
}
