// The sandbox end to end on real DuckDB: a forked executor, the hardened read-only instance, the statement
// guard, timeouts, crashes and restarts, and the output gate applied to real results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { FAILURES } from './failure.ts';
import { aggregatePlan, countOf, groupKey, maskedColumn, pseudonymColumn, rawColumn, residentsPerDistrict, rowsPlan } from './fixtures/compiled-plans.ts';
import { buildTinyDomain, type TinyDomain } from './fixtures/tiny-domain.ts';
import { Sandbox, type SandboxOptions } from './supervisor.ts';

const TIMEOUT_MS = 1_000;
let domain: TinyDomain;
let sandbox: Sandbox;
const options = (over: Partial<SandboxOptions> = {}): SandboxOptions => ({
  domainFile: domain.domainFile,
  tmpDir: domain.tmpDir,
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

/** A cross join of the 2,030 residents with themselves, three times: billions of rows, never finishing in time. */
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

const districtCounts = async (): Promise<unknown[][]> => (await sandbox.execute(residentsPerDistrict(), ctx)).rows;

beforeAll(async () => {
  domain = await buildTinyDomain();
  sandbox = await Sandbox.start(options());
});
afterAll(async () => {
  await sandbox?.close();
});

describe('aggregate releases on real data', () => {
  it('releases the districts of 10 and 11 people, rounded, and suppresses the one of 9', async () => {
    const res = await sandbox.execute(residentsPerDistrict({ k: 10, rounding: 5 }), ctx);
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
    const res = await sandbox.execute(plan, ctx);
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

  it('makes DECIMAL, HUGEINT and DATE results JSON-safe', async () => {
    const plan = aggregatePlan(
      `SELECT sum(monthly_base) AS total, sum(1) AS ones, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM social_security.insured`,
      [countOf('total', false), countOf('ones', false), countOf('n', false)],
    );
    const res = await sandbox.execute(plan, ctx);
    expect(res.columns.map((c) => c.type)).toEqual(['DECIMAL(38,2)', 'HUGEINT', 'BIGINT']);
    const [total, ones, n] = res.rows[0] ?? [];
    expect(typeof total).toBe('number');
    expect([ones, n]).toEqual([2030, 2030]);
  });
});

describe('row releases on real data', () => {
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

  it('masks, pseudonymizes and suppresses the class of 4', async () => {
    const res = await sandbox.execute(plan, ctx);
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
    const a = (await sandbox.execute(plan, ctx)).rows.map((r) => r[4]);
    const again = (await sandbox.execute(plan, ctx)).rows.map((r) => r[4]);
    const b = (await sandbox.execute(plan, { subject: 'dev-2', queryId: 'q' })).rows.map((r) => r[4]);
    expect(again).toEqual(a);
    expect(b.filter((p, i) => p === a[i])).toEqual([]);
  });

  it('stops reading at the row cap and says the release was truncated', async () => {
    const capped = rowsPlan(`SELECT district FROM population.residents`, [rawColumn('district')], { rowCap: 100 });
    const res = await sandbox.execute(capped, ctx);
    expect(res.disclosure).toMatchObject({ truncated: true, rowCount: 100 });
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
    expect((await districtCounts()).length).toBe(3);
    // A write would need the instance to be writable: it is not, so the escape file cannot exist.
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/dsbx-escape.csv')).toBe(false);
    expect(sandbox.stats().restarts).toBe(0);
  });
});

describe('resource limits', () => {
  it('times out a heavy query within the limit plus one second, and answers the next one', async () => {
    const started = performance.now();
    expect(await failureOf(sandbox.execute(heavy(), ctx))).toEqual({ code: 'QUERY_TIMEOUT', cause: 'timeout' });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect((await districtCounts()).length).toBe(3);
  });

  it('refuses with RATE_LIMITED beyond the queue bound and serves the rest', async () => {
    const running = [sandbox.execute(heavy(), ctx), sandbox.execute(heavy(), ctx)];
    const queued = [sandbox.execute(residentsPerDistrict(), ctx), sandbox.execute(residentsPerDistrict(), ctx)];
    expect(sandbox.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    expect(await failureOf(sandbox.execute(residentsPerDistrict(), ctx))).toEqual({ code: 'RATE_LIMITED', cause: 'queue_full' });
    for (const r of running) expect((await failureOf(r)).code).toBe('QUERY_TIMEOUT');
    for (const q of queued) expect((await q).rows.length).toBe(3);
  });

  it('fails the in-flight query with a code when the executor is killed, restarts it and answers the next one', async () => {
    const before = sandbox.stats().restarts;
    const pid = sandbox.executorPid();
    const inFlight = sandbox.execute(heavy(), ctx);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid as number, 'SIGKILL');
    expect(await failureOf(inFlight)).toEqual({ code: 'INTERNAL', cause: 'executor_crashed' });
    expect((await districtCounts()).length).toBe(3);
    expect(sandbox.stats().restarts).toBe(before + 1);
    expect(sandbox.executorPid()).not.toBe(pid);
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
    expect((await districtCounts()).length).toBe(3);
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
      expect((await small.execute(residentsPerDistrict(), ctx)).rows.length).toBe(3);
    } finally {
      await small.close();
    }
  });
});

describe('closing', () => {
  it('fails queries sent after close with a code', async () => {
    const other = await Sandbox.start(options());
    await other.close();
    expect((await failureOf(other.execute(residentsPerDistrict(), ctx))).code).toBe('INTERNAL');
  });
});
