// The fuzz suite: 20,000 generated and mutated queries from a fixed seed (FUZZ_SEED / FUZZ_COUNT override),
// the first FUZZ_HTTP_COUNT of them through the real HTTP app (compiler, sandbox, output gate, lineage) and
// the rest through compileQuery + Sandbox.execute directly — 20,000 over HTTP take about six minutes on two
// cores, mostly the per-query lineage fsync, too long for every CI run. Every answer must be a protected
// 200 or a coded 4xx/504, carry no L4 value of the domain, the service must keep answering, and the lineage
// chain must verify at the end. Then malformed HTTP over a real socket: every one a coded 4xx.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/schema.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import { listen, type RunningServer } from '../../src/server.ts';
import { readDomainSecrets } from '../adversarial/domain-secrets.ts';
import { SecretScanner } from '../adversarial/secret-scanner.ts';
import { cachedDomainFile } from '../support/domain.ts';
import { testService, type TestService } from '../support/service.ts';
import { httpTarget, runCampaign, type CampaignReport, type Finding } from './campaign.ts';
import { directTarget, type DirectTarget } from './direct-target.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const COUNT = Number(process.env.FUZZ_COUNT ?? 20_000);
const HTTP_COUNT = Math.min(COUNT, Number(process.env.FUZZ_HTTP_COUNT ?? 5000));
const QUERY_TIMEOUT_MS = 4000;
const CODED = /^[A-Z][A-Z_]+$/;

/**
 * Findings this suite exposed in code it may not change (src/sql, sandbox/), reported to the lead and
 * tolerated here so that any OTHER finding still fails the suite. Each matches one precise failure: an
 * INTERNAL 500 with the sandbox's stated cause. Remove an entry once its bug is fixed.
 */
const KNOWN: readonly { readonly cause: string; readonly what: string }[] = [];
const causeOf = (f: Finding): string | undefined => {
  try {
    return (JSON.parse(f.detail) as { error?: { code?: string; details?: { cause?: string } } }).error?.details?.cause;
  } catch {
    return undefined;
  }
};
const isKnown = (f: Finding): boolean => f.problem !== 'leak' && f.status === 500 && KNOWN.some((k) => k.cause === causeOf(f));

let t: TestService;
let direct: DirectTarget;
let server: RunningServer;
let catalog: Catalog;
let scanner: SecretScanner;
let developer: string;
let reviewer: string;
const reports: { name: string; report: CampaignReport }[] = [];

beforeAll(async () => {
  const domainFile = await cachedDomainFile(3000);
  catalog = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
  scanner = new SecretScanner((await readDomainSecrets(domainFile, catalog)).values);
  t = await testService({
    domain: domainFile,
    env: { DSBX_RATE_BURST: '1000000000', DSBX_RATE_PER_SECOND: '1000000000', DSBX_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) },
  });
  developer = await t.token('developer');
  reviewer = await t.token('reviewer');
  direct = await directTarget({
    catalog,
    policy: loadPolicy(path.resolve(import.meta.dirname, '../../policies')),
    domainFile,
    tmpDir: path.join(t.home, 'fuzz-direct-tmp'),
    sandbox: t.config.sandbox,
  });
  server = await listen(t.service.app, '127.0.0.1', 0);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await direct?.close();
  await t?.cleanup();
  for (const { name, report } of reports) {
    const known = report.findings.filter(isKnown).length;
    console.log(`fuzz ${name}: ${report.sent} queries in ${report.seconds.toFixed(1)} s; statuses ${JSON.stringify(report.statuses)}; codes ${JSON.stringify(report.codes)}; known findings ${known}`);
  }
});

function expectClean(report: CampaignReport): void {
  const unknown = report.findings.filter((f) => !isKnown(f)).map((f) => `#${f.index} ${f.problem} ${f.status} [${f.mode}] ${f.sql} → ${f.detail}`);
  expect(unknown.slice(0, 10)).toEqual([]);
  // The campaign was not vacuous: both answers and refusals of several kinds happened.
  expect(report.statuses['200'] ?? 0).toBeGreaterThan(report.sent / 50);
  expect(Object.keys(report.codes).length).toBeGreaterThanOrEqual(3);
}

describe(`fuzzing with seed ${SEED}`, () => {
  it(`answers ${HTTP_COUNT} queries over HTTP with protected results or coded refusals, none carrying an L4 value`, async () => {
    const report = await runCampaign({ target: httpTarget(t, developer), catalog, scanner, seed: SEED, count: HTTP_COUNT, concurrency: 4, healthEvery: 500 });
    reports.push({ name: 'http', report });
    expect(report.sent).toBe(HTTP_COUNT);
    expect(report.healthChecks).toBe(Math.floor(HTTP_COUNT / 500));
    expectClean(report);
  }, 600_000);

  it(`answers the next ${COUNT - HTTP_COUNT} through compileQuery and the real sandbox the same way`, async () => {
    const report = await runCampaign({ target: direct, catalog, scanner, seed: SEED, skip: HTTP_COUNT, count: COUNT - HTTP_COUNT, concurrency: 4, healthEvery: 2000 });
    reports.push({ name: 'direct', report });
    expect(report.sent).toBe(COUNT - HTTP_COUNT);
    expectClean(report);
    // The unit count by rows was compared with count(DISTINCT) on many releases, and never differed (expectClean).
    console.log(`fuzz direct: ${direct.comparedByRows()} releases compared with and without the unit count by rows`);
    expect(direct.comparedByRows()).toBeGreaterThan((COUNT - HTTP_COUNT) / 500);
  }, 900_000);

  it('keeps answering afterwards, with a lineage chain that verifies and holds every HTTP attempt', async () => {
    expect((await t.request('/healthz')).status).toBe(200);
    const report = (await (await t.request('/v1/lineage/verify', { token: reviewer })).json()) as { ok: boolean; count: number };
    expect(report.ok).toBe(true);
    expect(report.count).toBeGreaterThanOrEqual(HTTP_COUNT);
  });
});

/**
 * One raw HTTP/1.1 request over a TCP socket; `chunks` are written `gapMs` apart (a slow body when > 0),
 * with chunked framing unless a content-length is given. Written by hand rather than with node:http because
 * a server that answers 413 and closes while the body is still being written must not lose its answer:
 * everything received is kept, write errors after the answer are the server's right.
 */
function raw(o: { method?: string; path: string; headers?: Record<string, string>; chunks?: readonly (string | Buffer)[]; gapMs?: number }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    const headers: Record<string, string> = { host: url.host, connection: 'close', ...(o.headers ?? {}) };
    const chunked = o.chunks !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
    if (chunked) headers['transfer-encoding'] = 'chunked';
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {}); // EPIPE/ECONNRESET after an early answer: what was received decides
    socket.on('close', () => {
      const all = Buffer.concat(received);
      const headEnd = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, Math.max(0, headEnd)).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (!m) return reject(new Error(`no HTTP answer (${all.length} bytes)`));
      const body = all.subarray(headEnd + 4);
      resolve({ status: Number(m[1]), text: (/\r\ntransfer-encoding: chunked/i.test(head) ? dechunk(body) : body).toString('utf8') });
    });
    socket.on('connect', () => {
      socket.write(`${o.method ?? 'POST'} ${o.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      const chunks = [...(o.chunks ?? [])];
      const writeNext = (): void => {
        // A server that has answered will read no more: stop, as a real client does, rather than be reset.
        if (socket.destroyed || socket.writableEnded || received.length > 0) return;
        const c = chunks.shift();
        if (c === undefined) {
          if (chunked) socket.write('0\r\n\r\n');
          return;
        }
        if (Buffer.byteLength(c) === 0) return writeNext(); // an empty chunk would end a chunked body
        if (chunked) socket.write(`${Buffer.byteLength(c).toString(16)}\r\n`);
        socket.write(c);
        if (chunked) socket.write('\r\n');
        setTimeout(writeNext, o.gapMs ?? 0);
      };
      writeNext();
    });
  });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const nl = body.indexOf('\r\n', at);
    const size = parseInt(body.subarray(at, nl).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(out);
    out.push(body.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
}

const jsonHeaders = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra });

function expectCoded4xx(r: { status: number; text: string }): string {
  expect(r.status, r.text).toBeGreaterThanOrEqual(400);
  expect(r.status, r.text).toBeLessThan(500);
  const code = (JSON.parse(r.text) as { error?: { code?: string } }).error?.code;
  expect(code, r.text).toMatch(CODED);
  return code as string;
}

describe('malformed HTTP over a real socket', () => {
  const post = (body: string, extra: Record<string, string> = {}) => raw({ path: '/v1/query', headers: jsonHeaders(developer, extra), chunks: [body] });

  it('refuses bodies that are not JSON with a coded 4xx', async () => {
    for (const body of ['{', '{"sql": "SELECT 1",', 'not json', '', '\u0000\u0001', '{"sql":"x"}}', '[1,2', '{"sql": NaN}']) {
      const r = await post(body);
      expect(r.text, JSON.stringify(body)).not.toBe('');
      expectCoded4xx(r);
    }
  });

  it('refuses bodies of the wrong shape or types with a coded 4xx', async () => {
    const bodies: unknown[] = [
      null, [], 'SELECT 1', 42, {}, { sql: 1, purpose: 'x' }, { sql: 'SELECT 1', purpose: 7 }, { sql: ['SELECT 1'], purpose: 'x' },
      { sql: '', purpose: 'x' }, { sql: 'SELECT 1', purpose: '' }, { sql: 'SELECT 1', purpose: 'x', mode: 'all' }, { sql: 'SELECT 1', purpose: 'x', mode: null },
      { sql: 'SELECT 1', purpose: 'x'.repeat(501) }, { sql: 'SELECT 1', purpose: 'x', dp: 'much' }, { sql: 'SELECT 1', purpose: 'x', dp: { epsilon: -1 } },
      { sql: 'SELECT 1', purpose: 'x', dp: { epsilon: 1e309 } }, { sql: 'SELECT 1', purpose: 'x', application: {} },
    ];
    for (const b of bodies) expectCoded4xx(await post(JSON.stringify(b)));
  });

  it('refuses unknown fields, at the top and inside dp, with a coded 4xx', async () => {
    const sql = 'SELECT district, count(*) FROM population.residents GROUP BY 1';
    for (const b of [{ sql, purpose: 'x', limit: 10 }, { sql, purpose: 'x', __proto__x: 1 }, { sql, purpose: 'x', dp: { epsilon: 1, sensitivity: 0 } }, { sql, purpose: 'x', constructor: { prototype: {} } }]) {
      expectCoded4xx(await post(JSON.stringify(b)));
    }
  });

  it('refuses a huge body, announced or chunked, with 413 PAYLOAD_TOO_LARGE, and SQL over 64 KiB with a coded 4xx', async () => {
    const huge = Buffer.from(JSON.stringify({ sql: `SELECT ${'1+'.repeat(2_000_000)}1`, purpose: 'x' }));
    const pieces = Array.from({ length: Math.ceil(huge.length / 65536) }, (_, i) => huge.subarray(i * 65536, (i + 1) * 65536));
    const announced = await raw({ path: '/v1/query', headers: jsonHeaders(developer, { 'content-length': String(huge.length) }), chunks: pieces, gapMs: 5 });
    expect(expectCoded4xx(announced)).toBe('PAYLOAD_TOO_LARGE');
    const chunked = await raw({ path: '/v1/query', headers: jsonHeaders(developer), chunks: pieces, gapMs: 5 });
    expect(expectCoded4xx(chunked)).toBe('PAYLOAD_TOO_LARGE');
    expectCoded4xx(await post(JSON.stringify({ sql: `SELECT count(*) FROM population.residents WHERE district IN (${"'x',".repeat(20_000)}'y')`, purpose: 'x' })));
  });

  it('answers a body trickled over three seconds on its merits, and keeps serving others meanwhile', async () => {
    const body = JSON.stringify({ sql: 'SELECT district, count(*) AS n FROM population.residents GROUP BY 1', purpose: 'slow client' });
    const pieces = Array.from({ length: 12 }, (_, i) => body.slice(Math.floor((i * body.length) / 12), Math.floor(((i + 1) * body.length) / 12)));
    const slow = raw({ path: '/v1/query', headers: jsonHeaders(developer, { 'content-length': String(Buffer.byteLength(body)) }), chunks: pieces, gapMs: 250 });
    const slowBroken = raw({ path: '/v1/query', headers: jsonHeaders(developer), chunks: ['{"sql": "SELECT', ' district', ' FROM'], gapMs: 1000 });
    const started = performance.now();
    const health = await raw({ method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    const answered = await slow;
    expect(answered.status, answered.text).toBe(200);
    expect(scanner.scan(answered.text)).toEqual([]);
    expectCoded4xx(await slowBroken);
  });

  it('refuses a wrong content type, a missing token and a wrong method with coded 4xx', async () => {
    const body = JSON.stringify({ sql: 'SELECT 1', purpose: 'x' });
    expectCoded4xx(await raw({ path: '/v1/query', headers: { authorization: `Bearer ${developer}`, 'content-type': 'text/plain' }, chunks: [body] }));
    expectCoded4xx(await raw({ path: '/v1/query', headers: { 'content-type': 'application/json' }, chunks: [body] }));
    expectCoded4xx(await raw({ path: '/v1/query', headers: jsonHeaders('not.a.token'), chunks: [body] }));
    expectCoded4xx(await raw({ method: 'PUT', path: '/v1/query', headers: jsonHeaders(developer), chunks: [body] }));
  });
});
