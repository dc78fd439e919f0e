// The app's common behaviour through real requests: coded errors for unknown routes, wrong methods, bad
// bodies and oversized bodies; roles; the generic INTERNAL answer; headers; one log line per request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type } from 'arktype';
import { testService, type TestService } from '../../test/support/service.ts';
import { DEFAULT_ROUTE_MODULES, type RouteModule } from './routes/index.ts';

const SECRET_MESSAGE = "duckdb said: Conversion Error: '230202199001011234'";

/** Routes that exist only in this test, to exercise body validation, roles and failures. */
const probeRoutes: RouteModule = (routes) => {
  routes.add(
    {
      method: 'post',
      path: '/v1/probe/echo',
      operationId: 'probeEcho',
      summary: 'echo',
      tags: ['probe'],
      access: ['developer', 'researcher'],
      body: type({ sql: 'string <= 100', purpose: 'string > 0', 'mode?': "'aggregate' | 'rows'", '+': 'reject' }),
      response: { description: 'echo', schema: type({ length: 'number' }) },
    },
    (_c, { body }) => ({ length: body.sql.length }),
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/probe/list',
      operationId: 'probeList',
      summary: 'query string',
      tags: ['probe'],
      access: 'authenticated',
      query: type({ 'limit?': /^[1-9][0-9]{0,2}$/, '+': 'reject' }),
      response: { description: 'the limit', schema: type({ limit: 'string' }) },
    },
    (_c, { query }) => ({ limit: query.limit ?? 'none' }),
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/probe/csv',
      operationId: 'probeCsv',
      summary: 'raw body',
      tags: ['probe'],
      access: 'public',
      response: { description: 'a CSV', contentType: 'text/csv' },
    },
    (c) => c.body('a,b\n1,2\n', 200, { 'content-type': 'text/csv' }),
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/probe/fail',
      operationId: 'probeFail',
      summary: 'throws',
      tags: ['probe'],
      access: 'public',
      response: { description: 'never', schema: type({ ok: 'boolean' }) },
    },
    () => {
      throw new Error(SECRET_MESSAGE);
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/probe/leaky',
      operationId: 'probeLeaky',
      summary: 'returns more than it declares',
      tags: ['probe'],
      access: 'public',
      response: { description: 'a count', schema: type({ count: 'number', '+': 'delete' }) },
    },
    () => ({ count: 3, id_card: '230202199001011234' }),
  );
};

let t: TestService;
let developer: string;
beforeAll(async () => {
  t = await testService({ routes: [...DEFAULT_ROUTE_MODULES, probeRoutes], env: { DSBX_MAX_BODY_BYTES: '1024' } });
  developer = await t.token('developer');
});
afterAll(() => t.cleanup());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  t.request('/v1/probe/echo', { method: 'POST', body, headers, token: developer });

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('when the route does not exist', () => {
  it.each(['/nope', '/v1', '/v1/catalog/population/residents/rows', '/v2/catalog'])('answers 404 NOT_FOUND for %s', async (p) => {
    const res = await t.request(p, { token: developer });
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe('NOT_FOUND');
  });

  it('answers 404 NOT_FOUND for a known path with a method it does not have', async () => {
    const res = await t.request('/v1/catalog', { method: 'DELETE', token: developer });
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe('NOT_FOUND');
  });
});

describe('when the request body is bad', () => {
  it('accepts a body matching the schema (the baseline)', async () => {
    const res = await post(JSON.stringify({ sql: 'SELECT 1', purpose: 'test' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: 8 });
  });

  it.each([
    { name: 'malformed JSON', body: '{"sql": "SELECT 1", ' },
    { name: 'an empty body', body: '' },
    { name: 'a JSON array', body: '[1,2]' },
    { name: 'a missing field', body: JSON.stringify({ sql: 'SELECT 1' }) },
    { name: 'a field of the wrong type', body: JSON.stringify({ sql: 1, purpose: 'x' }) },
    { name: 'an undeclared field', body: JSON.stringify({ sql: 'SELECT 1', purpose: 'x', extra: true }) },
    { name: 'a value outside an enumeration', body: JSON.stringify({ sql: 'SELECT 1', purpose: 'x', mode: 'raw' }) },
    { name: 'a string over its length bound', body: JSON.stringify({ sql: 'x'.repeat(101), purpose: 'x' }) },
  ])('answers 400 BAD_REQUEST for $name', async ({ body }) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('BAD_REQUEST');
  });

  it('answers 400 BAD_REQUEST when the body is not declared as JSON', async () => {
    const res = await post(JSON.stringify({ sql: 'SELECT 1', purpose: 'x' }), { 'content-type': 'text/plain' });
    expect(await codeOf(res)).toBe('BAD_REQUEST');
  });

  it('names the bad fields without echoing their values', async () => {
    const res = await post(JSON.stringify({ sql: 'SELECT 1', purpose: 'x', mode: 'secret-value-42' }));
    const text = await res.text();
    expect(JSON.parse(text).error.details.problems).toEqual([{ path: 'mode' }]);
    expect(text).not.toContain('secret-value-42');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the configured limit', async () => {
    const res = await post(JSON.stringify({ sql: 'x'.repeat(2000), purpose: 'x' }));
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a streamed body without a length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(600));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await t.service.app.request('/v1/probe/echo', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${developer}` },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await codeOf(res)).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('when the query string is bad', () => {
  it('passes a valid query to the handler (the baseline)', async () => {
    expect(await (await t.request('/v1/probe/list?limit=20', { token: developer })).json()).toEqual({ limit: '20' });
  });

  it.each(['?limit=0', '?limit=abc', '?limit=1&limit=2', '?offset=3'])('answers 400 BAD_REQUEST for %s', async (qs) => {
    const res = await t.request(`/v1/probe/list${qs}`, { token: developer });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe('BAD_REQUEST');
  });
});

describe('a route declaring a non-JSON response', () => {
  it('sends the body its handler built', async () => {
    const res = await t.request('/v1/probe/csv');
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(await res.text()).toBe('a,b\n1,2\n');
  });
});

describe('when the caller lacks the role a route requires', () => {
  it.each(['reviewer', 'steward', 'admin'] as const)('answers 403 FORBIDDEN to a %s', async (role) => {
    const res = await t.request('/v1/probe/echo', {
      method: 'POST',
      body: JSON.stringify({ sql: 'SELECT 1', purpose: 'x' }),
      headers: { 'content-type': 'application/json' },
      token: await t.token(role),
    });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('FORBIDDEN');
  });

  it('checks the token before the body: an anonymous bad body is 401, not 400', async () => {
    const res = await t.request('/v1/probe/echo', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });
});

describe('when a handler fails unexpectedly', () => {
  it('answers 500 INTERNAL with a generic message and logs only where, not what', async () => {
    const res = await t.request('/v1/probe/fail');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('INTERNAL');
    expect(text).not.toContain('230202199001011234');
    expect(t.logText()).toContain('unhandled_error');
    expect(t.logText()).not.toContain('230202199001011234');
  });

  it('strips fields a handler returns beyond its declared response schema', async () => {
    const res = await t.request('/v1/probe/leaky');
    expect(await res.json()).toEqual({ count: 3 });
  });
});

describe('every response', () => {
  it('carries a request id, secure headers and no-store caching', async () => {
    const res = await t.request('/healthz');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is logged as one JSON line with method, route pattern, status, duration and subject, never the token', async () => {
    const before = t.logs.length;
    await t.request('/v1/catalog/population?x=secret-query-value', { token: developer });
    const lines = t.logs.slice(before).filter((l) => l.event === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', route: '/v1/catalog/:dataset', status: 200, sub: 'test-developer' });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(t.logText()).not.toContain(developer);
    expect(t.logText()).not.toContain('secret-query-value');
  });
});
