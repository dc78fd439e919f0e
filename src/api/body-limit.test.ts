// The body limit over a real socket (@hono/node-server, as `dsbx serve` runs it): a body announced or
// streamed past the limit is refused with 413 before the route sees it; bodies within it arrive whole,
// whether framed by Content-Length or chunked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyLimit } from './body-limit.ts';

const LIMIT = 1000;
let server: http.Server;
let port: number;
let reached = 0;

beforeAll(async () => {
  const app = new Hono();
  app.use('*', requestBodyLimit({ maxSize: LIMIT, onError: (c) => c.json({ code: 'PAYLOAD_TOO_LARGE' }, 413) }));
  app.post('/echo', async (c) => {
    reached += 1;
    return c.json({ length: (await c.req.text()).length });
  });
  server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs the pieces, with a Content-Length when `announce` is set, chunked otherwise. */
function post(pieces: string[], announce: boolean): Promise<{ status: number; body: string }> {
  const total = pieces.reduce((n, p) => n + Buffer.byteLength(p), 0);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/echo', method: 'POST', headers: announce ? { 'content-length': String(total) } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // A server that answers 413 early may close before the rest is written: the answer is what counts.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    for (const p of pieces) req.write(p);
    req.end();
  });
}

describe('requestBodyLimit', () => {
  it('passes bodies within the limit whole, announced or chunked', async () => {
    const before = reached;
    expect(await post(['a'.repeat(LIMIT)], true)).toEqual({ status: 200, body: JSON.stringify({ length: LIMIT }) });
    expect(await post(['b'.repeat(400), 'c'.repeat(600)], false)).toEqual({ status: 200, body: JSON.stringify({ length: LIMIT }) });
    expect(reached - before).toBe(2);
  });

  it('refuses a body announced past the limit with 413, before the route sees it', async () => {
    const before = reached;
    const res = await post(['a'.repeat(LIMIT + 1)], true);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
    expect(reached).toBe(before);
  });

  it('refuses a chunked body that grows past the limit with 413, before the route sees it', async () => {
    const before = reached;
    const res = await post(['a'.repeat(600), 'b'.repeat(600)], false);
    expect(res.status).toBe(413);
    expect(reached).toBe(before);
  });
});
