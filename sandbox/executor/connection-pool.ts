// The executor's pool of ready connections to the hardened instance. Opening a connection is cheap, but
// defining the sandbox macros on it and preparing the guard's two statements costs about as much as a small
// query; a pooled connection has done both once. A connection goes back to the pool only after a query that
// ran cleanly to its end: one that failed, was interrupted or was left with an unread result is closed and
// replaced, so whatever state it was in dies with it. Queries cannot leave state behind on a clean run
// either: the guard lets through only one SELECT over the domain's tables (see connection-pool.test.ts).
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { SANDBOX_MACROS } from '../macros.ts';

/** One connection with the sandbox macros defined and the statement guard's queries prepared on it. */
export interface ExecutorConnection {
  readonly connection: DuckDBConnection;
  /** `SELECT json_serialize_sql($1)`: DuckDB's parse of a statement, without running it. */
  readonly serializeSql: DuckDBPreparedStatement;
  /** `SELECT json_serialize_plan($1)`: DuckDB's bound plan of a statement, without running it. */
  readonly serializePlan: DuckDBPreparedStatement;
  /**
   * Compiled queries prepared on this connection, by SQL text, least recently used first: a query run
   * again skips DuckDB's parse and plan (and two trips to the thread pool). Only texts that passed the
   * guard and the one-SELECT check are kept; they die with the connection.
   */
  readonly prepared: Map<string, DuckDBPreparedStatement>;
}

/** How many prepared queries one connection keeps. */
export const PREPARED_PER_CONNECTION = 64;

/** The prepared statement kept for `sql` on this connection, marked most recently used. */
export function preparedFor(c: ExecutorConnection, sql: string): DuckDBPreparedStatement | undefined {
  const p = c.prepared.get(sql);
  if (p !== undefined) {
    c.prepared.delete(sql);
    c.prepared.set(sql, p);
  }
  return p;
}

/** Keeps a prepared statement, dropping the least recently used one beyond the limit. */
export function keepPrepared(c: ExecutorConnection, sql: string, p: DuckDBPreparedStatement): void {
  c.prepared.set(sql, p);
  for (const [oldest, statement] of c.prepared) {
    if (c.prepared.size <= PREPARED_PER_CONNECTION) break;
    c.prepared.delete(oldest);
    statement.destroySync();
  }
}

/** A new connection made ready: the macros are TEMP, so they exist on this connection only. */
export async function openExecutorConnection(instance: DuckDBInstance): Promise<ExecutorConnection> {
  const connection = await instance.connect();
  try {
    for (const macro of SANDBOX_MACROS) await connection.run(macro);
    const serializeSql = await connection.prepare('SELECT json_serialize_sql($1::VARCHAR)');
    const serializePlan = await connection.prepare('SELECT json_serialize_plan($1::VARCHAR)');
    return { connection, serializeSql, serializePlan, prepared: new Map() };
  } catch (e) {
    connection.closeSync();
    throw e;
  }
}

function closeExecutorConnection(c: ExecutorConnection): void {
  for (const p of c.prepared.values()) p.destroySync();
  c.prepared.clear();
  c.serializeSql.destroySync();
  c.serializePlan.destroySync();
  c.connection.closeSync();
}

export class ConnectionPool {
  readonly #instance: DuckDBInstance;
  readonly #size: number;
  readonly #idle: ExecutorConnection[] = [];
  /** Replacements being opened, counted so that the pool never holds more than its size. */
  #opening = 0;
  #closed = false;

  private constructor(instance: DuckDBInstance, size: number) {
    this.#instance = instance;
    this.#size = size;
  }

  /** Opens `size` ready connections (the executor's concurrency: one per query that can run at once). */
  static async open(instance: DuckDBInstance, size: number): Promise<ConnectionPool> {
    if (!Number.isInteger(size) || size < 1) throw new Error('connection pool: size must be a positive integer');
    const pool = new ConnectionPool(instance, size);
    for (let i = 0; i < size; i++) pool.#idle.push(await openExecutorConnection(instance));
    return pool;
  }

  /** Idle connections, for tests and the benchmark. */
  get idle(): number {
    return this.#idle.length;
  }

  /** A ready connection: an idle one, or a new one when all are lent out (the pool never makes callers wait). */
  async acquire(): Promise<ExecutorConnection> {
    if (this.#closed) throw new Error('connection pool: closed');
    return this.#idle.pop() ?? (await openExecutorConnection(this.#instance));
  }

  /**
   * Takes a connection back. `reusable` only after a query that ran cleanly to the end of its result;
   * anything else closes the connection and opens a replacement in the background.
   */
  release(c: ExecutorConnection, reusable: boolean): void {
    if (reusable && !this.#closed && this.#idle.length + this.#opening < this.#size) {
      this.#idle.push(c);
      return;
    }
    closeExecutorConnection(c);
    if (!reusable) this.#replace();
  }

  close(): void {
    this.#closed = true;
    for (const c of this.#idle.splice(0)) closeExecutorConnection(c);
  }

  #replace(): void {
    if (this.#closed || this.#idle.length + this.#opening >= this.#size) return;
    this.#opening++;
    openExecutorConnection(this.#instance).then(
      (c) => {
        this.#opening--;
        if (this.#closed || this.#idle.length >= this.#size) closeExecutorConnection(c);
        else this.#idle.push(c);
      },
      // Not fatal: the next acquire() opens a connection itself and reports a failure to its query.
      () => {
        this.#opening--;
      },
    );
  }
}
