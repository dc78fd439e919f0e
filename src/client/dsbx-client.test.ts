// DsbxClient over real HTTP against a live service on a generated domain: typed answers, coded errors
// carrying the violations and the lineage id, and client-side codes when no coded answer comes back.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../server.ts';
import { cachedDomainFile } from '../../test/support/domain.ts';
import { testService, type TestService } from '../../test/support/service.ts';
import { DsbxClient } from './dsbx-client.ts';
import { DsbxError } from './dsbx-error.ts';

let t: TestService;
let server: RunningServer;
let client: DsbxClient;
let token: string;

const caught = async (p: Promise<unknown>): Promise<DsbxError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DsbxError) return e;
    throw e;
  }
  throw new Error('expected a DsbxError');
};

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  server = await listen(t.service.app, '127.0.0.1', 0);
  token = await t.token('researcher');
  client = new DsbxClient({ url: `${server.url}/`, token });
});
afterAll(async () => {
  await server?.close();
  await t?.cleanup();
});

describe('DsbxClient against a live service', () => {
  it('runs a query and returns the API’s columns, rows and disclosure', async () => {
    const res = await client.query({ sql: 'SELECT gender, count(*) AS n FROM population.residents GROUP BY gender', purpose: 'client test' });
    expect(res.columns.map((c) => c.name)).toEqual(['gender', 'n']);
    expect(res.rows.length).toBe(2);
    expect(res.disclosure.threshold).toEqual({ k: 10, rounding: 5 });
    expect(res.lineageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('explains a query without running it', async () => {
    const e = await client.explain({ sql: 'SELECT gender, count(*) AS n FROM population.residents GROUP BY gender', purpose: 'client test' });
    expect(e).toMatchObject({ decision: 'allow', mode: 'aggregate', profile: 'threshold', datasets: ['population'] });
  });

  it('reads the catalog, one dataset, and the caller’s own history', async () => {
    const [catalog, health, history] = await Promise.all([client.catalog(), client.dataset('health'), client.history({ limit: '5' })]);
    expect(catalog.datasets).toHaveLength(6);
    expect(health.profile).toBe('dp');
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.length).toBeLessThanOrEqual(5);
  });

  it('reads the caller’s ε budget on the dp datasets', async () => {
    const { budgets } = await client.budget();
    expect(budgets.map((b) => b.dataset)).toEqual(['health']);
    expect(budgets[0]?.remaining).toBeLessThanOrEqual(budgets[0]?.allocation ?? 0);
  });

  it('rejects a refusal with the API’s code, its violations naming the column, and the lineage id', async () => {
    const e = await caught(client.query({ sql: 'SELECT name FROM population.residents', purpose: 'client test' }));
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.status).toBe(422);
    expect(e.violations.some((v) => v.rule === 'L4_IN_OUTPUT' && v.column === 'population.residents.name')).toBe(true);
    expect(e.lineageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects an unknown dataset with NOT_FOUND', async () => {
    expect((await caught(client.dataset('nosuch'))).code).toBe('NOT_FOUND');
  });
});

describe('DsbxClient when no coded answer comes back', () => {
  it('says UNREACHABLE when nothing listens', async () => {
    const c = new DsbxClient({ url: 'http://127.0.0.1:9', token });
    expect((await caught(c.catalog())).code).toBe('UNREACHABLE');
  });

  it('says BAD_RESPONSE, without the body, when something other than the API answers', async () => {
    const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const c = new DsbxClient({ url: `http://127.0.0.1:${(other.address() as AddressInfo).port}`, token });
      const e = await caught(c.catalog());
      expect(e.code).toBe('BAD_RESPONSE');
      expect(e.message).not.toContain('proxy');
    } finally {
      other.close();
    }
  });
});

describe('DsbxClient and redirects', () => {
  it('does not follow a redirect, so the token never reaches the place it points to', async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('{}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    const redirecting = http.createServer((req, res) => res.writeHead(307, { location: `${target}${req.url ?? '/'}` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const c = new DsbxClient({ url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`, token });
      expect((await caught(c.catalog())).code).toBe('BAD_RESPONSE');
      expect(seen).toEqual([]);
    } finally {
      redirecting.close();
      elsewhere.close();
    }
  });
});

describe('DsbxClient options', () => {
  it.each([
    { name: 'a URL that does not parse', url: 'not a url', token: 'a.b.c' },
    { name: 'a scheme other than http(s)', url: 'file:///etc/passwd', token: 'a.b.c' },
    { name: 'credentials in the URL', url: 'http://u:p@127.0.0.1:1', token: 'a.b.c' },
    { name: 'a token that is not a JWT', url: 'http://127.0.0.1:1', token: 'Bearer x' },
  ])('refuses $name at construction', ({ url, token: tok }) => {
    expect(() => new DsbxClient({ url, token: tok })).toThrow(TypeError);
  });
});
