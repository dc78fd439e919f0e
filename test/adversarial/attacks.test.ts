// The adversarial suite, end to end over HTTP against a generated domain: every ATTACKS.md example (and more
// spellings of each), the compiler's refused and allowed corpora, differencing, repetition and a heavy
// query, each through the real app, compiler, sandbox and lineage log. Every attempt must leave its lineage
// record with the right decision; and no response of the whole suite — answers, refusals, explains,
// history, catalog, lineage pages, export, metrics, errors — may carry an L4 value of the domain, engine
// error text or a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Catalog } from '../../src/catalog/schema.ts';
import { loadAllowed, loadRefused } from '../../src/sql/fixtures/load.ts';
import { MAX_SQL_BYTES } from '../../src/api/query-request.ts';
import { cachedDomainFile, readDomain } from '../support/domain.ts';
import { testService, type TestService } from '../support/service.ts';
import { ATTACKS, MORE_SPELLINGS, type Attack } from './attacks.ts';
import { readDomainSecrets, type DomainSecrets } from './domain-secrets.ts';
import { jsonOf, RecordingClient, type Exchange } from './recording-client.ts';
import { SecretScanner, type SecretFamily } from './secret-scanner.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Low enough that the heavy-query test is quick, far above what any legitimate query here needs. */
const QUERY_TIMEOUT_MS = 4000;
const SUBJECT = 'test-developer';

type Mode = 'aggregate' | 'rows';

/** One POST to /v1/query or /v1/query/explain, as the lineage log must remember it. */
interface Attempt {
  readonly label: string;
  readonly kind: 'query' | 'explain';
  /** The SQL as the log records it ('' for a body that never got as far as its SQL). */
  readonly sql: string;
  readonly mode: Mode | null;
  readonly status: number;
  readonly code: string | undefined;
  readonly lineageId: string | undefined;
  readonly rowCount: number | undefined;
}

let t: TestService;
let client: RecordingClient;
let developer: string;
let reviewer: string;
let recordsAtStart: number;
let catalog: Catalog;
let secrets: DomainSecrets;
let scanner: SecretScanner;
/** What DuckDB itself says the protected attacks' groups are, read from the domain before the service starts. */
const truth = new Map<string, Map<string, number>>();
/** A resident of 龙沙区 whose birth date and gender are unique there: the differencing target. */
let target: { birthDate: string; gender: string };
const attempts: Attempt[] = [];

const ALL_ATTACKS: readonly Attack[] = [...ATTACKS, ...MORE_SPELLINGS];
const PROTECTED = ALL_ATTACKS.filter((a) => a.expect === 'protected');

/** Group key of a result row: every column but the last (the count), joined. */
const keyOf = (row: readonly unknown[]): string => row.slice(0, -1).map(String).join('\u0001');

beforeAll(async () => {
  const domainFile = await cachedDomainFile(3000);
  catalog = loadCatalog(new URL('../../datasets', import.meta.url).pathname);
  // The domain is read before the service opens it: the test's own connection never competes with the sandbox.
  secrets = await readDomainSecrets(domainFile, catalog);
  scanner = new SecretScanner(secrets.values);
  const domain = await readDomain(domainFile);
  try {
    for (const a of PROTECTED) {
      const rows = await domain.rows(a.sql);
      truth.set(a.sql, new Map(rows.map((r) => Object.values(r)).map((r) => [keyOf(r), Number(r.at(-1))])));
    }
    const [unique] = await domain.rows(`
      SELECT CAST(birth_date AS VARCHAR) AS b, gender AS g FROM population.residents WHERE district = '龙沙区'
      GROUP BY birth_date, gender HAVING count(*) = 1 ORDER BY birth_date LIMIT 1`);
    if (!unique) throw new Error('the generated domain has no resident of 龙沙区 with a unique birth date and gender');
    target = { birthDate: String(unique.b), gender: String(unique.g) };
  } finally {
    domain.close();
  }
  t = await testService({
    domain: domainFile,
    // The suite sends hundreds of queries from one subject: rate limiting has its own tests.
    env: { DSBX_RATE_BURST: '1000000', DSBX_RATE_PER_SECOND: '1000000', DSBX_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) },
  });
  client = new RecordingClient(t);
  developer = await t.token('developer');
  reviewer = await t.token('reviewer');
  // The service records its own start (the catalog version it runs under) before any attempt.
  recordsAtStart = jsonOf(await client.get('/v1/lineage/verify', reviewer)).count;
});
afterAll(async () => t?.cleanup());

/** Sends one query or explain as the developer and remembers it as an attempt. */
async function attempt(kind: 'query' | 'explain', sql: string, mode: Mode | undefined, label: string) {
  const ex = await client.post(kind === 'query' ? '/v1/query' : '/v1/query/explain', { sql, purpose: `adversarial suite: ${label}`, ...(mode ? { mode } : {}) }, developer);
  const body = jsonOf(ex);
  attempts.push({
    label,
    kind,
    sql,
    mode: mode ?? 'aggregate',
    status: ex.status,
    code: body.error?.code,
    lineageId: ex.status === 200 ? body.lineageId : body.error?.lineageId,
    rowCount: Array.isArray(body.rows) ? body.rows.length : undefined,
  });
  return { ex, body };
}

/** A coded client error with the id of the lineage record that remembers it. */
function expectRefusal(ex: Exchange, body: Record<string, any>, codes: readonly string[]): void {
  expect(ex.status, ex.text).toBeGreaterThanOrEqual(400);
  expect(ex.status, ex.text).toBeLessThan(500);
  expect(codes, ex.text).toContain(body.error?.code);
  expect(body.error.lineageId, ex.text).toMatch(UUID);
  expect(body).not.toHaveProperty('rows');
}

describe('ATTACKS.md over POST /v1/query', () => {
  for (const a of ALL_ATTACKS) {
    const title = `${a.family}: ${a.name} is ${a.expect}`;
    if (a.expect === 'refused') {
      it(title, async () => {
        const { ex, body } = await attempt('query', a.sql, a.mode, a.name);
        expectRefusal(ex, body, a.codes ?? []);
      });
      continue;
    }
    it(`${title}: exactly the groups of at least k, with counts rounded from the true ones`, async () => {
      const { ex, body } = await attempt('query', a.sql, a.mode, a.name);
      expect(ex.status, ex.text).toBe(200);
      const { k, rounding } = body.disclosure.threshold as { k: number; rounding: number };
      expect(k).toBeGreaterThan(1);
      const real = truth.get(a.sql)!;
      const released = new Map((body.rows as unknown[][]).map((r) => [keyOf(r), Number(r.at(-1))]));
      const bigEnough = [...real].filter(([, n]) => n >= k).map(([key]) => key).sort();
      expect([...released.keys()].sort()).toEqual(bigEnough);
      for (const [key, n] of released) {
        expect(n % rounding).toBe(0);
        expect(Math.abs(n - real.get(key)!)).toBeLessThan(rounding);
      }
      expect(body.disclosure.suppressedGroups).toBe(real.size - bigEnough.length);
    });
  }
});

describe('the refused corpus (src/sql/fixtures/refused.tsv) over HTTP', () => {
  for (const f of loadRefused()) {
    const expected = f.acceptable.map((x) => (x.rule ? `${x.code}:${x.rule}` : x.code)).join('|');
    it(`refused.tsv:${f.line} is refused with ${expected}`, async () => {
      const { ex, body } = await attempt('query', f.sql, f.mode, `refused.tsv:${f.line}`);
      expectRefusal(ex, body, f.acceptable.map((x) => x.code));
      const rules = new Set(((body.error.details?.violations ?? []) as { rule: string }[]).map((v) => v.rule));
      const matched = f.acceptable.some((x) => x.code === body.error.code && (x.rule === undefined || rules.has(x.rule)));
      expect(matched, `${ex.text} (expected ${expected})`).toBe(true);
    });
  }
});

describe('the allowed corpus (src/sql/fixtures/allowed.sql) over HTTP', () => {
  /** A query reading a dataset of the dp profile gets that profile (the compiler takes the strictest). */
  const readsDp = (sql: string): boolean =>
    catalog.datasets.some((d) => d.profile === 'dp' && new RegExp(`\\b${d.id}\\s*\\.`, 'i').test(sql));
  const dpAnswers: { name: string; ex: Exchange; body: Record<string, any> }[] = [];

  it('explains and answers every legitimate threshold-profile query with 200, as explained', async () => {
    const wrong: string[] = [];
    let answered = 0;
    for (const f of loadAllowed()) {
      const explained = await attempt('explain', f.sql, f.mode, `allowed.sql:${f.name} (explain)`);
      const ran = await attempt('query', f.sql, f.mode, `allowed.sql:${f.name}`);
      if (readsDp(f.sql)) {
        dpAnswers.push({ name: `${f.name} (explain)`, ...explained }, { name: f.name, ...ran });
        continue;
      }
      answered += 1;
      if (explained.ex.status !== 200 || explained.body.decision !== 'allow' || explained.body.profile !== 'threshold') {
        wrong.push(`${f.name} explain: ${explained.ex.status} ${explained.ex.text.slice(0, 300)}`);
      } else if (ran.ex.status !== 200) {
        wrong.push(`${f.name}: ${ran.ex.status} ${ran.ex.text.slice(0, 300)}`);
      } else if (
        ran.body.columns.length !== explained.body.columns.length ||
        ran.body.rows.some((r: unknown[]) => r.length !== ran.body.columns.length)
      ) {
        wrong.push(`${f.name}: released columns differ from the explained ones`);
      }
    }
    expect(answered).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it('releases nothing from a dp-profile query without its noise', () => {
    expect(dpAnswers.length).toBeGreaterThan(0);
    for (const { name, ex, body } of dpAnswers) {
      if (ex.status === 200) {
        if (body.rows !== undefined) expect(body.disclosure, name).toHaveProperty('noise');
      } else {
        expect(body.error?.code, name).toMatch(/^[A-Z_]+$/);
        expect(body.error.lineageId, name).toMatch(UUID);
        expect(body, name).not.toHaveProperty('rows');
      }
    }
  });

  it('answers every dp-profile query with noise or refuses it with a coded 4xx, never a server error', () => {
    expect(dpAnswers.length).toBeGreaterThan(0);
    const serverErrors = dpAnswers.filter((q) => q.ex.status >= 500).map((q) => `${q.name}: ${q.ex.status}`);
    expect(serverErrors).toEqual([]);
    for (const { name, ex, body } of dpAnswers) {
      if (ex.status !== 200) expect(['POLICY_DENIED', 'BUDGET_EXHAUSTED', 'SQL_UNSUPPORTED'], name).toContain(body.error?.code);
    }
    expect(dpAnswers.some((q) => q.ex.status === 200 && q.body.disclosure?.noise !== undefined)).toBe(true);
  });
});

describe('differencing, tracking, averaging', () => {
  it("answers a differencing pair only with rounded counts, so the difference does not reveal the one person excluded", async () => {
    const district = "SELECT count(*) AS n FROM population.residents WHERE district = '龙沙区'";
    const all = await attempt('query', district, undefined, 'differencing: whole district');
    const but = await attempt(
      'query',
      `${district} AND NOT (birth_date = DATE '${target.birthDate}' AND gender = '${target.gender}')`,
      undefined,
      'differencing: district without one person',
    );
    expect(all.ex.status, all.ex.text).toBe(200);
    expect(but.ex.status, but.ex.text).toBe(200);
    const rounding = all.body.disclosure.threshold.rounding as number;
    expect(rounding).toBeGreaterThan(1);
    const [a, b] = [Number(all.body.rows[0][0]), Number(but.body.rows[0][0])];
    expect(a % rounding).toBe(0);
    expect(b % rounding).toBe(0);
    // The true difference is exactly one resident; what leaves is 0 or a whole rounding step.
    expect([0, rounding]).toContain(a - b);
  });

  it('gives one dp answer to a query asked again and again at no extra cost; rephrasings cost again or hit BUDGET_EXHAUSTED', async () => {
    const base = 'SELECT diagnosis_group, count(*) AS n FROM health.medical_claims GROUP BY diagnosis_group';
    const repeats = new Set<string>();
    const charged: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { ex, body } = await attempt('query', base, undefined, `dp repetition ${i}`);
      if (ex.status !== 200) {
        expect(body.error?.code, ex.text).toBe('BUDGET_EXHAUSTED');
        continue;
      }
      repeats.add(JSON.stringify(body.rows));
      charged.push(Number(body.disclosure.budget[0].charged));
      expect(body.disclosure.noise.repeated).toBe(i > 0);
    }
    // One answer for every identical ask, and only the first one paid for it.
    expect(repeats.size).toBeLessThanOrEqual(1);
    expect(charged.slice(1).every((c) => c === 0)).toBe(true);
    const rephrasings = [
      'select diagnosis_group, count(*) as n from health.medical_claims group by 1',
      'SELECT c.diagnosis_group, count(*) AS claims FROM health.medical_claims AS c GROUP BY c.diagnosis_group',
    ];
    for (const [i, sql] of rephrasings.entries()) {
      const { ex, body } = await attempt('query', sql, undefined, `dp rephrasing ${i}`);
      if (ex.status === 200) expect(Number(body.disclosure.budget[0].charged), ex.text).toBeGreaterThan(0);
      else expect(body.error?.code, ex.text).toBe('BUDGET_EXHAUSTED');
    }
  });
});

describe('a heavy query that the policy allows', () => {
  it('is cancelled with QUERY_TIMEOUT within the limit, and the service keeps answering', async () => {
    const started = performance.now();
    const { ex, body } = await attempt(
      'query',
      'SELECT r.district, count(*) AS n FROM population.residents r JOIN utilities.power_usage p ON p.district = r.district JOIN utilities.heating_bills h ON h.district = r.district GROUP BY 1',
      undefined,
      'heavy three-way join on district',
    );
    const elapsed = performance.now() - started;
    expect(ex.status, ex.text).toBe(504);
    expect(body.error.code).toBe('QUERY_TIMEOUT');
    expect(body.error.lineageId).toMatch(UUID);
    expect(elapsed).toBeLessThan(QUERY_TIMEOUT_MS + t.config.sandbox.killGraceMs + 1000);
    const after = await attempt('query', 'SELECT gender, count(*) AS n FROM population.residents GROUP BY 1', undefined, 'after the heavy query');
    expect(after.ex.status, after.ex.text).toBe(200);
  });
});

describe('malformed and misdirected requests', () => {
  it('answers bad bodies with coded errors, each recorded', async () => {
    const cases: { body: string; codes: string[] }[] = [
      { body: 'SELECT 1', codes: ['BAD_REQUEST'] },
      { body: JSON.stringify({ sql: 'SELECT district, count(*) FROM population.residents GROUP BY 1' }), codes: ['BAD_REQUEST'] },
      { body: JSON.stringify({ sql: 'SELECT 1', purpose: 'x', mode: 'everything' }), codes: ['BAD_REQUEST'] },
      { body: JSON.stringify({ sql: 'SELECT 1', purpose: 'x', unexpected: true }), codes: ['BAD_REQUEST'] },
      { body: JSON.stringify({ sql: ['SELECT 1'], purpose: 'x' }), codes: ['BAD_REQUEST'] },
    ];
    for (const [i, c] of cases.entries()) {
      const ex = await client.send('POST', '/v1/query', developer, c.body);
      const body = jsonOf(ex);
      expect(c.codes, ex.text).toContain(body.error?.code);
      expect(body.error.lineageId, ex.text).toMatch(UUID);
      attempts.push({ label: `bad body ${i}`, kind: 'query', sql: '', mode: null, status: ex.status, code: body.error.code, lineageId: body.error.lineageId, rowCount: undefined });
    }
    // SQL longer than the limit, inside a body that is not: refused by the pipeline, which knows its SQL.
    const long = `SELECT count(*) FROM population.residents WHERE district = '${'龙'.repeat(MAX_SQL_BYTES / 3 + 10)}'`;
    const { ex, body } = await attempt('query', long, undefined, 'SQL over the size limit');
    expectRefusal(ex, body, ['BAD_REQUEST']);
  });

  it('keeps every other door shut with a coded error and no record', async () => {
    const doors: [() => Promise<Exchange>, number[]][] = [
      [() => client.post('/v1/query', { sql: 'SELECT 1', purpose: 'x' }, ''), [401]],
      [() => client.get('/v1/lineage', developer), [403]],
      [() => client.get(`/v1/lineage/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`, reviewer), [404]],
      [() => client.get('/v1/lineage/not-an-id', reviewer), [400, 404]],
      [() => client.get('/v1/no-such-route', developer), [404]],
    ];
    for (const [send, statuses] of doors) {
      const ex = await send();
      expect(statuses, `${ex.label}: ${ex.text}`).toContain(ex.status);
      expect(jsonOf(ex).error.code).toMatch(/^[A-Z_]+$/);
    }
  });
});

describe('the lineage log after the suite', () => {
  const COMPILE_STAGE = new Set(['BAD_REQUEST', 'SQL_SYNTAX', 'SQL_UNSUPPORTED', 'SQL_AMBIGUOUS', 'POLICY_DENIED', 'NOT_LICENSED', 'DATASET_SUSPENDED', 'RATE_LIMITED']);

  it('holds a record of every attempt, with its SQL, mode and decision', async () => {
    expect(attempts.length).toBeGreaterThan(500);
    const wrong: string[] = [];
    for (const a of attempts) {
      if (!a.lineageId) {
        wrong.push(`${a.label}: answered ${a.status} without a lineage id`);
        continue;
      }
      const ex = await client.get(`/v1/lineage/${a.lineageId}`, reviewer);
      if (ex.status !== 200) {
        wrong.push(`${a.label}: GET /v1/lineage/${a.lineageId} answered ${ex.status}`);
        continue;
      }
      const rec = jsonOf(ex);
      const problems: string[] = [];
      if (rec.kind !== a.kind) problems.push(`kind ${rec.kind}`);
      if (rec.subject !== SUBJECT) problems.push(`subject ${rec.subject}`);
      if (rec.request.sql !== a.sql) problems.push('sql differs');
      if (rec.request.mode !== a.mode) problems.push(`mode ${rec.request.mode}`);
      if (a.status === 200) {
        if (rec.decision.effect !== 'allow' || rec.decision.code !== undefined) problems.push(`decision ${JSON.stringify(rec.decision)}`);
        if (a.kind === 'query' && rec.result?.rowCount !== a.rowCount) problems.push(`result ${JSON.stringify(rec.result)}`);
        if (a.kind === 'explain' && rec.result !== null) problems.push('an explain with a result');
      } else {
        if (rec.decision.code !== a.code) problems.push(`code ${rec.decision.code}, answered ${a.code}`);
        if (COMPILE_STAGE.has(a.code ?? '') && rec.decision.effect !== 'deny') problems.push(`effect ${rec.decision.effect}`);
        if (rec.result !== null) problems.push('a refusal with a result');
      }
      if (problems.length) wrong.push(`${a.label}: ${problems.join('; ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('holds exactly one record per attempt, in a chain that verifies', async () => {
    const report = jsonOf(await client.get('/v1/lineage/verify', reviewer));
    expect(report.ok).toBe(true);
    expect(report.count).toBe(recordsAtStart + attempts.length);
    expect(new Set(attempts.map((a) => a.lineageId)).size).toBe(attempts.length);
  });
});

describe('the reading surfaces, fetched whole for the leak scan', () => {
  /** Follows nextCursor to the end; returns every page's items. */
  async function allPages(path: string, token: string, field: 'records' | 'items'): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const ex = await client.get(`${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(ex.status, ex.text.slice(0, 300)).toBe(200);
      const body = jsonOf(ex);
      items.push(...(body[field] as unknown[]));
      cursor = body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`${path}: more than 100 pages`);
  }

  it('shows the developer their whole history and the reviewer the whole log, page by page', async () => {
    expect(await allPages('/v1/query/history', developer, 'items')).toHaveLength(attempts.length);
    expect(await allPages('/v1/lineage', reviewer, 'records')).toHaveLength(recordsAtStart + attempts.length);
    for (const filter of ['decision=deny', 'decision=allow', 'dataset=population', 'column=id_card', 'code=POLICY_DENIED']) {
      expect((await allPages(`/v1/lineage?${filter}`, reviewer, 'records')).length, filter).toBeGreaterThan(0);
    }
  });

  it('exports one OpenLineage event per attempt', async () => {
    const ex = await client.get('/v1/lineage/export', reviewer);
    expect(ex.status).toBe(200);
    expect(ex.text.trim().split('\n')).toHaveLength(recordsAtStart + attempts.length);
  });

  it('serves the catalog, metrics, OpenAPI document, JWKS and health', async () => {
    for (const [path, token] of [
      ['/v1/catalog', developer],
      ['/v1/catalog/population', developer],
      ['/v1/catalog/health', developer],
      ['/metrics', undefined],
      ['/openapi.json', undefined],
      ['/.well-known/jwks.json', undefined],
      ['/healthz', undefined],
    ] as const) {
      const ex = await client.get(path, token);
      expect(ex.status, `${path}: ${ex.text.slice(0, 200)}`).toBe(200);
    }
  });
});

describe('the leak scan over every response of the suite', () => {
  const ENGINE_ERROR = /\b(?:Binder|Parser|Conversion|Catalog|Invalid Input|Invalid|Out of Range|Out of Memory|IO|Permission|Constraint|Dependency|Serialization|Interrupt|Internal|INTERNAL|Not implemented|Fatal|Transaction|Syntax) Error\b/;
  const PATH = /\/(?:tmp|var|home|etc|proc|work|usr)\//;
  const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./;
  /** Keys whose values are the caller's own SQL, echoed back to a reviewer or to its author. */
  const SQL_ECHO_KEYS = new Set(['sql', 'normalizedSql', 'executedSql', 'query']);

  /** Every string of a response with the key that holds it; NDJSON and plain text included. */
  function* strings(ex: Exchange): Generator<[key: string, value: string]> {
    const docs: unknown[] = [];
    if (ex.contentType.includes('json')) {
      for (const line of ex.contentType.includes('ndjson') ? ex.text.split('\n').filter(Boolean) : [ex.text]) docs.push(JSON.parse(line));
    } else {
      yield ['', ex.text];
      return;
    }
    const walk = function* (v: unknown, key: string): Generator<[string, string]> {
      if (typeof v === 'string') yield [key, v];
      else if (Array.isArray(v)) for (const x of v) yield* walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) yield* walk(x, k);
    };
    for (const d of docs) yield* walk(d, '');
  }

  it('scans a response of every kind the suite can see', () => {
    const labels = new Set(client.exchanges.map((e) => e.label.replace(/\/[0-9a-f-]{36}$/, '/{id}').replace(/\?.*$/, '')));
    for (const l of ['POST /v1/query', 'POST /v1/query/explain', 'GET /v1/query/history', 'GET /v1/lineage', 'GET /v1/lineage/{id}', 'GET /v1/lineage/export', 'GET /v1/lineage/verify', 'GET /v1/catalog', 'GET /metrics']) {
      expect([...labels]).toContain(l);
    }
    expect(client.exchanges.length).toBeGreaterThan(1200);
  });

  it('knows the domain values it looks for, and finds one planted in a real response', () => {
    const families: SecretFamily[] = ['id_card', 'name', 'phone', 'address', 'card_no', 'diagnosis_code'];
    for (const f of families) expect(secrets.counts[f], f).toBeGreaterThan(f === 'diagnosis_code' ? 10 : 100);
    const host = client.exchanges.find((e) => e.status === 200 && e.label === 'POST /v1/query')!;
    for (const f of families) {
      const value = [...secrets.values].find(([, fam]) => fam === f)![0];
      const planted = host.text.replace('"rows":[', `"rows":[["${value}"],`);
      expect(scanner.scan(planted).map((h) => h.value), f).toContain(value);
    }
  });

  it('finds no L4 value of the domain in any response, except what the suite itself sent', () => {
    const echoed = new Set(scanner.scan(client.sentTexts.join('\n')).map((h) => h.value));
    const leaks: string[] = [];
    for (const ex of client.exchanges) {
      for (const hit of scanner.scan(ex.text)) {
        if (echoed.has(hit.value)) continue;
        leaks.push(`${ex.label} → ${ex.status}: ${hit.family} ${hit.value} in …${ex.text.slice(Math.max(0, hit.at - 80), hit.at + 80)}…`);
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
  });

  it('finds no engine error text or server path in any response', () => {
    const found: string[] = [];
    for (const ex of client.exchanges) {
      for (const [key, value] of strings(ex)) {
        if (SQL_ECHO_KEYS.has(key)) continue;
        const bad = ENGINE_ERROR.exec(value)?.[0] ?? PATH.exec(value)?.[0] ?? (value.includes(t.home) ? t.home : undefined);
        // Error messages (of a response, or kept in a record's reasons) must not even name the engine.
        const named = (ex.status >= 400 || key === 'message') && /duckdb/i.test(value) ? 'duckdb' : undefined;
        if (bad ?? named) found.push(`${ex.label} → ${ex.status}: ${key}: ${JSON.stringify(bad ?? named)} in ${value.slice(0, 200)}`);
      }
    }
    expect(found.slice(0, 20)).toEqual([]);
  });

  it('finds no token in any response', () => {
    const found = client.exchanges
      .filter((ex) => ex.text.includes(developer) || ex.text.includes(reviewer) || JWT.test(ex.text))
      .map((ex) => `${ex.label} → ${ex.status}`);
    expect(found).toEqual([]);
  });
});
