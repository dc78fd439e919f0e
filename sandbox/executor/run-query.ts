// Runs one compiled query on its own connection: the sandbox macros defined on that connection (they are
// TEMP, and temp objects in DuckDB belong to one connection), the statement guard, then the result
// streamed chunk by chunk with the row cap enforced while reading, so a huge result is never materialised.
import { StatementType, type DuckDBConnection, type DuckDBInstance } from '@duckdb/node-api';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SANDBOX_MACROS } from '../macros.ts';
import { SandboxError } from '../failure.ts';
import type { GateValue, RawResult } from '../gate/types.ts';
import { converterFor } from './duckdb-values.ts';
import type { DomainTables } from './hardened-instance.ts';
import { guardStatement } from './statement-guard.ts';

export interface QueryHandle {
  /** Called once the connection exists, so that the caller can interrupt it. */
  readonly onConnection: (conn: DuckDBConnection) => void;
  /** True once the caller has asked to stop; checked between steps an interrupt() cannot reach. */
  readonly interrupted: () => boolean;
}

const stopIfInterrupted = (handle: QueryHandle): void => {
  if (handle.interrupted()) throw new SandboxError('timeout');
};

/** Read at most `limit` rows, and learn whether there was at least one more. */
export async function runCompiledQuery(
  instance: DuckDBInstance,
  domain: DomainTables,
  compiled: CompiledQuery,
  limit: number,
  handle: QueryHandle,
): Promise<RawResult> {
  const conn = await instance.connect();
  try {
    handle.onConnection(conn);
    for (const macro of SANDBOX_MACROS) await conn.run(macro);
    await guardStatement(conn, compiled.sql, domain);
    stopIfInterrupted(handle);

    const extracted = await conn.extractStatements(compiled.sql);
    if (extracted.count !== 1) throw new SandboxError('statement_refused');
    const prepared = await extracted.prepare(0);
    let result;
    try {
      if (prepared.statementType !== StatementType.SELECT) throw new SandboxError('statement_refused');
      result = await prepared.stream();
    } finally {
      prepared.destroySync();
    }

    const types = result.columnTypes();
    const columns = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
    const converters = types.map(converterFor);

    const rows: GateValue[][] = [];
    let moreRowsThanRead = false;
    for (;;) {
      stopIfInterrupted(handle);
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
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
    conn.closeSync();
  }
}
