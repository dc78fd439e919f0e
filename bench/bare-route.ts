// The throughput baseline: a bare Hono route on @hono/node-server that runs the posted SQL on an in-process
// DuckDB over the same domain file, with none of the service's checks (no token, no validation, no
// compiler, no sandbox process, no output gate, no lineage). One connection per request, as DuckDB runs one
// statement at a time per connection; the same thread count as the sandbox.
import type { AddressInfo } from 'node:net';
import { DuckDBInstance } from '@duckdb/node-api';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export interface BareRoute {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBareRoute(domainFile: string, threads: number): Promise<BareRoute> {
  const instance = await DuckDBInstance.create(domainFile, { access_mode: 'READ_ONLY', threads: String(threads) });
  const app = new Hono();
  app.post('/query', async (c) => {
    const { sql } = await c.req.json<{ sql: string }>();
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql);
      return c.json({ columns: reader.columnNames(), rows: reader.getRowsJson() });
    } finally {
      conn.closeSync();
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
          instance.closeSync();
          resolve();
        });
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }),
  };
}
