// Runs one compiled query on a connection of its own for the time it runs, borrowed from the pool (the
// sandbox macros are defined on it: they are TEMP, and temp objects in DuckDB belong to one connection):
// the statement guard (skipped for a text it allowed before), the statement prepared (or taken from the
// connection's prepared statements, connection-pool.ts), then the result read chunk by chunk with the
// row cap enforced while reading. A row release is streamed, so a huge result is never materialised; an
// aggregate's result is materialised, which costs no more memory than the hash table that computed it
// (DuckDB holds every group before it emits one) and runs heavy aggregates (count(DISTINCT)) ~20% faster
// than streaming them on two threads (bench/RESULTS.md). The connection goes back to
// the pool only if the query ran to the end of its result without an error or an interrupt.
import { StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBPreparedStatement, type DuckDBResult } from '@duckdb/node-api';
import type { CompiledQuery, Mode } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import type { GateValue, RawResult } from '../gate/types.ts';
import type { RememberedTexts } from './remembered-texts.ts';
import { keepPrepared, preparedFor, type ConnectionPool } from './connection-pool.ts';
import { converterFor } from './duckdb-values.ts';
import type { DomainTables } from './hardened-instance.ts';
import { guardStatement } from './statement-guard.ts';

/** What a query runs on: the executor's pool over the hardened instance, its tables and the guard's memory. */
export interface QueryEngine {
  readonly pool: ConnectionPool;
  readonly domain: DomainTables;
  readonly allowed: RememberedTexts;
  /** Unit counts by rows that left a group undecided: the same text would again (unit-count-by-rows.ts). */
  readonly undecidedByRows: RememberedTexts;
}

export interface QueryHandle {
  /**
   * Called with the connection once the query has one, so that the caller can interrupt it, and with null
   * before it goes back to the pool, so that a late interrupt cannot reach the next query on it.
   */
  readonly onConnection: (conn: DuckDBConnection | null) => void;
  /** True once the caller has asked to stop; checked between steps an interrupt() cannot reach. */
  readonly interrupted: () => boolean;
}

const stopIfInterrupted = (handle: QueryHandle): void => {
  if (handle.interrupted()) throw new SandboxError('timeout');
};

/** Read at most `limit` rows of the compiled query, and learn whether there was at least one more. */
export function runCompiledQuery(engine: QueryEngine, compiled: CompiledQuery, limit: number, handle: QueryHandle): Promise<RawResult> {
  return runCompiledSql(engine, compiled.sql, compiled.mode, limit, handle);
}

/**
 * Runs one SQL text of a compiled query (its `sql`, or the unit count by rows that stands in for it,
 * sandbox/executor/unit-count-by-rows.ts): guarded like any other, at most `limit` rows read.
 */
export async function runCompiledSql(
  engine: QueryEngine, sql: string, mode: Mode, limit: number, handle: QueryHandle,
  bind: (statement: DuckDBPreparedStatement) => void = () => {},
): Promise<RawResult> {
  const pooled = await engine.pool.acquire();
  const conn = pooled.connection;
  let reusable = false;
  try {
    handle.onConnection(conn);
    if (!engine.allowed.has(sql)) {
      await guardStatement(pooled, sql, engine.domain);
      engine.allowed.add(sql);
    }
    stopIfInterrupted(handle);

    // Prepared before on this connection: the text passed the guard and the one-SELECT check then.
    let prepared = preparedFor(pooled, sql);
    if (prepared === undefined) {
      const extracted = await conn.extractStatements(sql);
      if (extracted.count !== 1) throw new SandboxError('statement_refused');
      const fresh = await extracted.prepare(0);
      if (fresh.statementType !== StatementType.SELECT) {
        fresh.destroySync();
        throw new SandboxError('statement_refused');
      }
      keepPrepared(pooled, sql, fresh);
      prepared = fresh;
    }
    bind(prepared);
    // A materialised result is read chunk by chunk without further trips to DuckDB's threads.
    let nextChunk: () => Promise<DuckDBDataChunk | null>;
    let result: DuckDBResult;
    if (mode === 'aggregate') {
      const materialized = await prepared.run();
      let i = 0;
      nextChunk = () => Promise.resolve(i < materialized.chunkCount ? materialized.getChunk(i++) : null);
      result = materialized;
    } else {
      const streamed = await prepared.stream();
      nextChunk = () => streamed.fetchChunk();
      result = streamed;
    }

    const types = result.columnTypes();
    const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
    const converters = types.map(converterFor);

    const rows: GateValue[][] = [];
    let moreRowsThanRead = false;
    for (;;) {
      stopIfInterrupted(handle);
      const chunk = await nextChunk();
      if (chunk === null || chunk.rowCount === 0) {
        // Read to the end: nothing of this query is pending on the connection any more.
        reusable = !handle.interrupted();
        break;
      }
      if (rows.length >= limit) {
        moreRowsThanRead = true;
        break;
      }
      const take = Math.min(chunk.rowCount, limit - rows.length);
      const start = rows.length;
      for (let r = 0; r < take; r++) rows.push(new Array<GateValue>(columns.length));
      for (let c = 0; c < columns.length; c++) {
        const values = chunk.getColumnValues(c);
        const convert = converters[c] as (typeof converters)[number];
        for (let r = 0; r < take; r++) (rows[start + r] as GateValue[])[c] = convert(values[r] ?? null);
      }
      if (take < chunk.rowCount) {
        moreRowsThanRead = true;
        break;
      }
    }
    return { columns, rows, moreRowsThanRead };
  } finally {
    handle.onConnection(null);
    engine.pool.release(pooled, reusable);
  }
}
