// The throughput baseline: a bare Hono route on @hono/node-server that runs the posted SQL on an in-process
// DuckDB over the same domain file, with none of the service's checks (no token, no validation, no
// compiler, no sandbox process, no output gate, no lineage). One connection per request, as DuckDB runs one
// statement at a time per connection; the same thread count as the sandbox.
import type { AddressInfo } from 'node:net';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export interface BareRoute {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `macros`: statements run on each connection first (the sandbox macros, for SQL that calls them); those
 * connections are then kept for reuse, so that defining them is not timed with every request.
 */
export async function startBareRoute(domainFile: string, threads: number, macros: readonly string[] = []): Promise<BareRoute> {
  const instance = await DuckDBInstance.create(domainFile, { access_mode: 'READ_ONLY', threads: String(threads) });
  const idle: DuckDBConnection[] = [];
  const acquire = async (): Promise<DuckDBConnection> => {
    const kept = idle.pop();
    if (kept) return kept;
    const conn = await instance.connect();
    for (const m of macros) await conn.run(m);
    return conn;
  };
  const release = (conn: DuckDBConnection): void => {
    if (macros.length > 0) idle.push(conn);
    else conn.closeSync();
  };
  const app = new Hono();
  app.post('/query', async (c) => {
    const { sql } = await c.req.json<{ sql: string }>();
    const conn = await acquire();
    try {
      const reader = await conn.runAndReadAll(sql);
      return c.json({ columns: reader.columnNames(), rows: reader.getRowsJson() });
    } finally {
      release(conn);
    }
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/query`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          for (const conn of idle.splice(0)) conn.closeSync();
          instance.closeSync();
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
