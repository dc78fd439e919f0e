// A small pool of DuckDB connections: each call borrows one connection for itself, so concurrent compiles
// never interleave statements on a connection (a DuckDB connection runs one statement at a time). Each
// connection keeps its prepared statements, since preparing costs as much as running.
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

export class PooledConnection {
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();

  constructor(readonly connection: DuckDBConnection) {}

  /** A prepared statement for a fixed SQL text written by us (never caller text). */
  async statement(sql: string): Promise<DuckDBPreparedStatement> {
    let p = this.prepared.get(sql);
    if (!p) {
      p = await this.connection.prepare(sql);
      this.prepared.set(sql, p);
    }
    return p;
  }
}

export class ConnectionPool {
  private readonly all: PooledConnection[];
  private readonly idle: PooledConnection[];
  private readonly waiting: ((c: PooledConnection) => void)[] = [];

  constructor(connections: readonly DuckDBConnection[]) {
    this.all = connections.map((c) => new PooledConnection(c));
    this.idle = [...this.all];
  }

  async use<T>(work: (c: PooledConnection) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? (await new Promise<PooledConnection>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(conn);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
    }
  }

  close(): void {
    for (const c of this.all) c.connection.closeSync();
  }
}
