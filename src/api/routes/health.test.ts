// /healthz answers 200 while every check passes and 503 UNAVAILABLE naming the failing checks otherwise,
// without revealing anything about the deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testService, type TestService } from '../../../test/support/service.ts';
import { createApp } from '../app.ts';

let t: TestService;
beforeAll(async () => {
  t = await testService();
});
afterAll(() => t.cleanup());

describe('GET /healthz', () => {
  it('answers 200 ok without a token and without paths or keys', async () => {
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'ok', service: 'dsbx', version: expect.any(String), uptimeSeconds: expect.any(Number), checks: {} });
    expect(text).not.toContain(t.home);
    expect(text).not.toContain(t.service.keys.kid);
  });

  it('answers 503 UNAVAILABLE naming the failing checks, whether they return false or throw', async () => {
    const app = createApp({
      ...t.service.deps,
      health: [
        { name: 'sandbox', check: () => false },
        { name: 'lineage', check: () => Promise.reject(new Error(`disk full at ${t.home}`)) },
        { name: 'catalog', check: () => true },
      ],
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: 'UNAVAILABLE', details: { failing: ['sandbox', 'lineage'] } });
    expect(text).not.toContain(t.home);
  });
});
