// The sandbox end to end on real DuckDB: a forked executor, the hardened read-only instance, the statement
// guard, timeouts, crashes and restarts, and the output gate applied to real results. Most tests run on the
// generated domain (test/support/domain.ts); the exact k−1 / k / k+1 boundaries run on a tiny domain whose
// group sizes are chosen for them (fixtures/tiny-domain.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDomainHome } from '../test/support/domain.ts';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { FAILURES } from './failure.ts';
import { aggregatePlan, countOf, groupKey, maskedColumn, pseudonymColumn, rawColumn, residentsPerDistrict, rowsPlan } from './fixtures/compiled-plans.ts';
import { buildTinyDomain, type TinyDomain } from './fixtures/tiny-domain.ts';
import { Sandbox, type SandboxOptions } from './supervisor.ts';

const TIMEOUT_MS = 1_000;
let tiny: TinyDomain;
let generated: { domainFile: string; tmpDir: string };
/** The sandbox over the generated domain. */
let sandbox: Sandbox;
/** The sandbox over the tiny domain. */
let tinySandbox: Sandbox;
const options = (over: Partial<SandboxOptions> = {}): SandboxOptions => ({
  domainFile: generated.domainFile,
  tmpDir: generated.tmpDir,
  pseudonymSecret: new Uint8Array(32).fill(3),
  threads: 1,
  memoryLimit: '256MB',
  tempDirectorySize: '256MB',
  concurrency: 2,
  queueLimit: 2,
  timeoutMs: TIMEOUT_MS,
  killGraceMs: 500,
  ...over,
});
const ctx = { subject: 'dev-1', queryId: 'q' };

/** A cross join of the 2,000 residents with themselves, three times: billions of rows, never finishing in time. */
const HEAVY_SQL = `SELECT count(*) AS n, count(DISTINCT a.id_card) AS __dsbx_units FROM population.residents a, population.residents b, population.residents c WHERE a.name || b.name < c.name`;
const heavy = (): CompiledQuery => aggregatePlan(HEAVY_SQL, [countOf('n')]);

/** The failure a promise rejected with: code and cause, and the message checked to be ours. */
async function failureOf(p: Promise<unknown>): Promise<{ code: string; cause: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; message: string; details?: { cause?: keyof typeof FAILURES } };
    const cause = err.details?.cause;
    // Our message for the cause, and nothing of DuckDB's.
    expect(cause !== undefined && err.message === FAILURES[cause].message).toBe(true);
    return { code: err.code, cause };
  }
  throw new Error('expected a failure');
}

/** Qiqihar has 16 county-level divisions; at 2,000 residents each has more than k = 10 of them. */
const DIVISIONS = 16;
const districtCounts = async (): Promise<unknown[][]> => (await sandbox.execute(residentsPerDistrict(), ctx)).rows;

beforeAll(async () => {
  const home = await testDomainHome(2000);
  generated = { domainFile: path.join(home, 'domain.duckdb'), tmpDir: path.join(home, 'tmp') };
  tiny = await buildTinyDomain();
  [sandbox, tinySandbox] = await Promise.all([
    Sandbox.start(options()),
    Sandbox.start(options({ domainFile: tiny.domainFile, tmpDir: tiny.tmpDir })),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), tinySandbox?.close()]);
});

describe('aggregate releases on the generated domain', () => {
  const perTable: { name: string; sql: string }[] = [
    { name: 'population.residents', sql: `SELECT district AS g, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM population.residents GROUP BY 1` },
    { name: 'social_security.insured', sql: `SELECT insurance_type AS g, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM social_security.insured GROUP BY 1` },
    { name: 'health.medical_claims', sql: `SELECT hospital_level AS g, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM health.medical_claims GROUP BY 1` },
    { name: 'utilities.heating_bills', sql: `SELECT season AS g, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM utilities.heating_bills GROUP BY 1` },
    { name: 'utilities.power_usage', sql: `SELECT district AS g, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM utilities.power_usage GROUP BY 1` },
    { name: 'transit.card_trips', sql: `SELECT card_type AS g, count(*) AS n, count(DISTINCT card_no) AS __dsbx_units FROM transit.card_trips GROUP BY 1` },
    { name: 'market.enterprises', sql: `SELECT industry AS g, count(*) AS n, count(DISTINCT credit_code) AS __dsbx_units FROM market.enterprises GROUP BY 1` },
  ];

  it.each(perTable)('reads $name through the gate, counts rounded to the base', async ({ sql }) => {
    const res = await sandbox.execute(aggregatePlan(sql, [groupKey('g'), countOf('n')]), ctx);
    expect(res.rows.length + res.disclosure.suppressedGroups).toBeGreaterThan(0);
    for (const [, n] of res.rows) expect(Number(n) % 5).toBe(0);
  });

  it('releases every division of the register', async () => {
    expect((await districtCounts()).length).toBe(DIVISIONS);
  });

  it('makes DECIMAL, HUGEINT, DOUBLE, BOOLEAN, DATE and TIMESTAMP results JSON-safe', async () => {
    const plan = aggregatePlan(
      `SELECT paid AS p, sum(amount_due) AS due, avg(area_m2) AS area, sum(1) AS ones, min(paid_on) AS first_paid, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM utilities.heating_bills GROUP BY 1`,
      [groupKey('p'), countOf('due', false), countOf('area', false), countOf('ones', false), countOf('first_paid', false), countOf('n')],
      { k: 1 },
    );
    const res = await sandbox.execute(plan, ctx);
    expect(res.columns.map((c) => c.type)).toEqual(['BOOLEAN', 'DECIMAL(38,2)', 'DOUBLE', 'HUGEINT', 'DATE', 'BIGINT']);
    const paid = res.rows.find((r) => r[0] === true);
    expect(paid).toBeDefined();
    const [, due, area, ones, firstPaid] = paid ?? [];
    expect(typeof due).toBe('number');
    expect(typeof area).toBe('number');
    expect(Number.isInteger(ones)).toBe(true);
    expect(firstPaid).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const trips = await sandbox.execute(
      aggregatePlan(`SELECT date_trunc('month', boarded_at)::TIMESTAMP AS m, count(*) AS n, count(DISTINCT card_no) AS __dsbx_units FROM transit.card_trips GROUP BY 1`, [groupKey('m'), countOf('n')]),
      ctx,
    );
    expect(trips.rows[0]?.[0]).toMatch(/^\d{4}-\d{2}-01 00:00:00$/);
    expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
  });
});

describe('aggregate releases at the threshold (tiny domain)', () => {
  it('releases the districts of 10 and 11 people, rounded, and suppresses the one of 9', async () => {
    const res = await tinySandbox.execute(residentsPerDistrict({ k: 10, rounding: 5 }), ctx);
    const rows = new Map(res.rows.map((r) => [r[0], r[1]]));
    expect(rows.get('建华区')).toBe(10); // 11 people → rounded to 10
    expect(rows.get('铁锋区')).toBe(10);
    expect(rows.has('昂昂溪区')).toBe(false);
    expect(rows.get('龙沙区')).toBe(2000);
    expect(res.disclosure).toMatchObject({ suppressedGroups: 1, rounding: 5, threshold: { k: 10, rounding: 5 }, rowCount: 3 });
    expect(res.columns.map((c) => c.name)).toEqual(['district', 'n']);
    expect(res.resultSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('releases no row for a global count over fewer than k people', async () => {
    const plan = aggregatePlan(
      `SELECT count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM population.residents WHERE district = '昂昂溪区'`,
      [countOf('n')],
    );
    const res = await tinySandbox.execute(plan, ctx);
    expect(res.rows).toEqual([]);
  });

  it('runs the sandbox macros on every connection', async () => {
    const plan = aggregatePlan(
      `SELECT age_band(birth_date, 10) AS band, bucket(length(name), 1) AS len, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM population.residents GROUP BY ALL`,
      [groupKey('band', 'L3'), groupKey('len'), countOf('n')],
      { k: 1, rounding: 1 },
    );
    for (let i = 0; i < 3; i++) expect((await sandbox.execute(plan, ctx)).rows.length).toBeGreaterThan(0);
  });
});

describe('row releases', () => {
  const plan = rowsPlan(
    `SELECT district, gender, birth_date, registered_on, id_card AS person, id_card, name, phone, address FROM population.residents WHERE district <> '龙沙区'`,
    [
      rawColumn('district', 'L2', true),
      rawColumn('gender', 'L2', true),
      { ...rawColumn('birth_date', 'L3'), protection: { kind: 'generalized', level: 'L3' } },
      rawColumn('registered_on'),
      pseudonymColumn('person'),
      maskedColumn('id_card', 'id_card'),
      maskedColumn('name', 'name'),
      maskedColumn('phone', 'phone'),
      maskedColumn('address', 'address'),
    ],
    { k: 5 },
  );

  it('masks, pseudonymizes and suppresses the class of 4 (tiny domain)', async () => {
    const res = await tinySandbox.execute(plan, ctx);
    expect(res.disclosure).toMatchObject({ suppressedRows: 4, kAnonymity: 5, rowCount: 26, truncated: false });
    for (const [district, , birth, registered, person, idCard, name, phone, address] of res.rows) {
      expect(birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(registered).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(person).toMatch(/^ps_[0-9a-f]{16}$/);
      expect(idCard).toMatch(/^\d{6}\*{8}\d{4}$/);
      expect(name).toMatch(/^(张|李|王|欧阳|赵)\*+$/);
      expect(phone).toMatch(/^138\*{4}\d{4}$/);
      expect(address).toBe(`齐齐哈尔市${String(district)}***`);
    }
  });

  it('gives the same pseudonyms to one license and different ones to another', async () => {
    const a = (await tinySandbox.execute(plan, ctx)).rows.map((r) => r[4]);
    const again = (await tinySandbox.execute(plan, ctx)).rows.map((r) => r[4]);
    const b = (await tinySandbox.execute(plan, { subject: 'dev-2', queryId: 'q' })).rows.map((r) => r[4]);
    expect(again).toEqual(a);
    expect(b.filter((p, i) => p === a[i])).toEqual([]);
  });

  it('stops reading at the row cap and says the release was truncated', async () => {
    const capped = rowsPlan(`SELECT district FROM population.residents`, [rawColumn('district')], { rowCap: 100 });
    const res = await sandbox.execute(capped, ctx);
    expect(res.disclosure).toMatchObject({ truncated: true, rowCount: 100 });
  });

  it('masks the generated register: addresses cut to the division, nothing else kept', async () => {
    const plan = rowsPlan(
      `SELECT district, id_card, name, phone, address FROM population.residents`,
      [rawColumn('district', 'L2', true), maskedColumn('id_card', 'id_card'), maskedColumn('name', 'name'), maskedColumn('phone', 'phone'), maskedColumn('address', 'address')],
      { k: 5 },
    );
    const res = await sandbox.execute(plan, ctx);
    expect(res.rows.length).toBeGreaterThan(1000);
    for (const [district, idCard, name, phone, address] of res.rows) {
      expect(idCard).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(name).toMatch(/^\p{Script=Han}{1,2}\*+$/u);
      // Children have no phone of their own in the register: null stays null.
      if (phone !== null) expect(phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(address).toBe(`${String(district)}***`);
    }
    expect(res.rows.some((r) => r[3] !== null)).toBe(true);
  });
});

describe('when what ran does not match the plan', () => {
  it('releases nothing if a column is not the planned one', async () => {
    const plan = { ...residentsPerDistrict(), sql: `SELECT district, count(*) AS count, count(DISTINCT id_card) AS __dsbx_units FROM population.residents GROUP BY district` };
    expect(await failureOf(sandbox.execute(plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'column_mismatch' });
  });

  it('refuses a nested result type the gate cannot protect', async () => {
    const plan = aggregatePlan(
      `SELECT list(name) AS n, count(DISTINCT id_card) AS __dsbx_units FROM population.residents`,
      [countOf('n', false)],
    );
    expect(await failureOf(sandbox.execute(plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'unsupported_type' });
  });

  it('refuses a malformed compiled query before it reaches the executor', async () => {
    const bad = { ...residentsPerDistrict(), mode: 'everything' } as unknown as CompiledQuery;
    expect(await failureOf(sandbox.execute(bad, ctx))).toEqual({ code: 'INTERNAL', cause: 'plan_invalid' });
  });
});

describe('engine escapes fed to the executor directly', () => {
  // ATTACKS.md, "Engine escapes": each family, as if the compiler had let it through.
  const escapes = [
    `SELECT * FROM read_csv('/etc/passwd')`,
    `SELECT * FROM read_text('/etc/passwd')`,
    `SELECT * FROM read_blob('/etc/passwd')`,
    `SELECT * FROM glob('/*')`,
    `SELECT * FROM '/etc/passwd'`,
    `FROM '/etc/passwd'`,
    `COPY population.residents TO '/tmp/dsbx-escape.csv'`,
    `COPY (SELECT * FROM population.residents) TO '/tmp/dsbx-escape.csv'`,
    `ATTACH ':memory:' AS m`,
    `ATTACH '/tmp/dsbx-escape.duckdb' AS m`,
    `INSTALL httpfs`,
    `LOAD httpfs`,
    `SET threads = 64`,
    `SET enable_external_access = true`,
    `RESET lock_configuration`,
    `PRAGMA enable_profiling`,
    `SET VARIABLE v = 1`,
    `SELECT getvariable('v') AS n`,
    `SELECT current_setting('memory_limit') AS n`,
    `SELECT * FROM enable_logging(storage='file')`,
    `SELECT * FROM enable_logging()`,
    `CALL enable_logging()`,
    `SELECT * FROM query('SELECT id_card FROM population.residents')`,
    `SELECT * FROM query_table('population.residents')`,
    `SELECT * FROM duckdb_settings()`,
    `SELECT * FROM duckdb_tables()`,
    `SELECT * FROM duckdb_tables`,
    `SELECT * FROM information_schema.tables`,
    `SELECT * FROM pragma_table_info('population.residents')`,
    `SUMMARIZE population.residents`,
    `DESCRIBE population.residents`,
    `SHOW TABLES`,
    `PIVOT population.residents ON gender USING count(*)`,
    `SELECT * FROM (PIVOT population.residents ON gender USING count(*))`,
    `EXPLAIN ANALYZE SELECT count(*) FROM population.residents`,
    `SELECT count(*) AS n FROM population.residents; SELECT 1`,
    `CREATE TEMP TABLE t AS SELECT * FROM population.residents`,
    `SELECT * FROM range(1000000000) a, range(1000000) b`,
    `SELECT * FROM (VALUES (1)) v(n)`,
    `SELECT n FROM population.residents, (SELECT * FROM read_csv('/etc/passwd')) x(n)`,
    `SELECT (SELECT count(*) FROM duckdb_settings()) AS n`,
    `WITH x AS (SELECT * FROM query_table('population.residents')) SELECT count(*) AS n FROM x`,
  ];

  it.each(escapes.map((sql) => ({ sql })))('refuses $sql', async ({ sql }) => {
    const plan = aggregatePlan(sql, [countOf('n', false)]);
    expect(await failureOf(sandbox.execute(plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'statement_refused' });
  });

  it('still answers, with its configuration intact, after all of them', async () => {
    expect((await districtCounts()).length).toBe(DIVISIONS);
    // A write would need the instance to be writable: it is not, so the escape file cannot exist.
    expect(existsSync('/tmp/dsbx-escape.csv')).toBe(false);
    expect(sandbox.stats().restarts).toBe(0);
  });
});

describe('resource limits', () => {
  it('times out a heavy query within the limit plus one second, and answers the next one', async () => {
    const started = performance.now();
    expect(await failureOf(sandbox.execute(heavy(), ctx))).toEqual({ code: 'QUERY_TIMEOUT', cause: 'timeout' });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect((await districtCounts()).length).toBe(DIVISIONS);
  });

  it('refuses with RATE_LIMITED beyond the queue bound and serves the rest', async () => {
    const running = [sandbox.execute(heavy(), ctx), sandbox.execute(heavy(), ctx)];
    const queued = [sandbox.execute(residentsPerDistrict(), ctx), sandbox.execute(residentsPerDistrict(), ctx)];
    expect(sandbox.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    expect(await failureOf(sandbox.execute(residentsPerDistrict(), ctx))).toEqual({ code: 'RATE_LIMITED', cause: 'queue_full' });
    for (const r of running) expect((await failureOf(r)).code).toBe('QUERY_TIMEOUT');
    for (const q of queued) expect((await q).rows.length).toBe(DIVISIONS);
  });

  it('fails the in-flight query with a code when the executor is killed, restarts it and answers the next one', async () => {
    const before = sandbox.stats().restarts;
    const pid = sandbox.executorPid();
    const inFlight = sandbox.execute(heavy(), ctx);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid as number, 'SIGKILL');
    expect(await failureOf(inFlight)).toEqual({ code: 'UNAVAILABLE', cause: 'executor_crashed' });
    expect((await districtCounts()).length).toBe(DIVISIONS);
    expect(sandbox.stats().restarts).toBe(before + 1);
    expect(sandbox.executorPid()).not.toBe(pid);
    // The killed executor's spill directory went with it.
    expect(existsSync(path.join(generated.tmpDir, `duckdb-${pid}`))).toBe(false);
    expect(existsSync(path.join(generated.tmpDir, `duckdb-${sandbox.executorPid()}`))).toBe(true);
  });

  it('kills an executor that does not answer after the interrupt, and keeps serving', async () => {
    const before = sandbox.stats().restarts;
    const pid = sandbox.executorPid() as number;
    const inFlight = sandbox.execute(heavy(), ctx);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(pid, 'SIGSTOP'); // frozen: the interrupt will never be read
    const started = performance.now();
    expect(await failureOf(inFlight)).toEqual({ code: 'QUERY_TIMEOUT', cause: 'timeout' });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect((await districtCounts()).length).toBe(DIVISIONS);
    expect(sandbox.stats().restarts).toBe(before + 1);
  });

  it('answers RESOURCE_LIMIT when a query needs more memory than allowed', async () => {
    const small = await Sandbox.start(options({ memoryLimit: '24MB', tempDirectorySize: '1MB', timeoutMs: 20_000 }));
    try {
      const plan = aggregatePlan(
        `SELECT a.id_card || b.id_card AS pair, count(*) AS n, count(DISTINCT a.id_card) AS __dsbx_units FROM population.residents a, population.residents b GROUP BY ALL`,
        [groupKey('pair'), countOf('n')],
      );
      expect(await failureOf(small.execute(plan, ctx))).toEqual({ code: 'RESOURCE_LIMIT', cause: 'out_of_memory' });
      expect((await small.execute(residentsPerDistrict(), ctx)).rows.length).toBe(DIVISIONS);
    } finally {
      await small.close();
    }
  });
});

describe('starting and closing', () => {
  it('refuses options it cannot honour before starting anything', async () => {
    await expect(Sandbox.start(options({ memoryLimit: 'lots' }))).rejects.toThrow();
    await expect(Sandbox.start(options({ concurrency: 0 }))).rejects.toThrow();
    await expect(Sandbox.start(options({ pseudonymSecret: 'short' }))).rejects.toThrow();
  });

  it('fails to start with a code when the domain cannot be opened', async () => {
    const missing = options({ domainFile: path.join(generated.tmpDir, 'no-such-domain.duckdb') });
    await expect(Sandbox.start(missing)).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { cause: 'executor_unavailable' } });
  });

  it('fails queries sent after close with a code', async () => {
    const other = await Sandbox.start(options());
    await other.close();
    expect((await failureOf(other.execute(residentsPerDistrict(), ctx))).code).toBe('UNAVAILABLE');
  });
});
