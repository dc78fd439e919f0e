// The service over a real listening socket: the catalog with a license, and the error shape for a
// request without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../src/server.ts';
import { testService, type TestService } from './support/service.ts';

let t: TestService;
let server: RunningServer;
beforeAll(async () => {
  t = await testService();
  server = await listen(t.service.app, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await t.cleanup();
});

describe('a listening server', () => {
  it('listens on the free port it picked', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'dsbx' });
  });

  it('lists the seven tables with their levels to a licensed caller', async () => {
    const res = await fetch(`${server.url}/v1/catalog`, { headers: { authorization: `Bearer ${await t.token('developer')}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { datasets: { tables: { columns: { level: string }[] }[] }[] };
    const tables = body.datasets.flatMap((d) => d.tables);
    expect(tables).toHaveLength(7);
    expect(tables.every((tb) => tb.columns.every((c) => /^L[1-4]$/.test(c.level)))).toBe(true);
  });

  it('answers a request without a license with 401 and the error body', async () => {
    const res = await fetch(`${server.url}/v1/catalog`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('refuses a second server on the same port', async () => {
    await expect(listen(t.service.app, '127.0.0.1', server.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
