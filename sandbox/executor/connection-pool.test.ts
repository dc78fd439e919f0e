// The executor's connection pool on the real hardened instance: connections come ready (macros defined),
// are reused only after a clean run, are replaced after anything else, and no query of one license can
// leave state on a connection for the next license's query.
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { aggregatePlan, countOf, groupKey, rawColumn, residentsPerDistrict, rowsPlan } from '../fixtures/compiled-plans.ts';
import { buildTinyDomain } from '../fixtures/tiny-domain.ts';
import { RememberedTexts } from './remembered-texts.ts';
import { ConnectionPool } from './connection-pool.ts';
import { openHardenedDomain, type HardenedDomain } from './hardened-instance.ts';
import { runCompiledQuery, type QueryEngine } from './run-query.ts';

let hardened: HardenedDomain;

beforeAll(async () => {
  const tiny = await buildTinyDomain();
  hardened = await openHardenedDomain({ domainFile: tiny.domainFile, tmpDir: tiny.tmpDir, threads: 1, memoryLimit: '256MB', tempDirectorySize: '256MB' });
});
afterAll(() => hardened?.instance.closeSync());

/** Runs a plan and says which connection it ran on. */
async function run(engine: QueryEngine, plan: CompiledQuery, opts: { interruptAfterConnect?: boolean } = {}) {
  const used: DuckDBConnection[] = [];
  let interrupted = false;
  const handle = {
    onConnection: (c: DuckDBConnection | null) => {
      if (c === null) return;
      used.push(c);
      if (opts.interruptAfterConnect) interrupted = true;
    },
    interrupted: () => interrupted,
  };
  try {
    return { result: await runCompiledQuery(engine, plan, plan.rowCap, handle), connection: used[0], error: undefined };
  } catch (e) {
    return { result: undefined, connection: used[0], error: e as { code?: string; cause_?: string } };
  }
}

const engineOf = async (size: number, allowed = new RememberedTexts()): Promise<QueryEngine> => ({
  pool: await ConnectionPool.open(hardened.instance, size),
  domain: hardened.domain,
  allowed,
  undecidedByRows: new RememberedTexts(),
});

/** Waits until the background replacement of a discarded connection has landed. */
async function refilled(pool: ConnectionPool, size: number): Promise<void> {
  for (let i = 0; i < 200 && pool.idle < size; i++) await new Promise((r) => setTimeout(r, 5));
}

const ageBands = (): CompiledQuery =>
  aggregatePlan(
    `SELECT age_band(birth_date, 10) AS band, count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM population.residents GROUP BY ALL`,
    [groupKey('band', 'L3'), countOf('n')],
  );

describe('a new pool', () => {
  it('holds as many ready connections as queries may run at once, with the sandbox macros defined', async () => {
    const engine = await engineOf(3);
    expect(engine.pool.idle).toBe(3);
    const runs = await Promise.all([run(engine, ageBands()), run(engine, ageBands()), run(engine, ageBands())]);
    for (const r of runs) expect(r.result?.rows.length).toBeGreaterThan(0);
    expect(new Set(runs.map((r) => r.connection)).size).toBe(3);
    engine.pool.close();
  });

  it('refuses a size that is not a positive integer', async () => {
    await expect(ConnectionPool.open(hardened.instance, 0)).rejects.toThrow();
  });
});

describe('after a query', () => {
  it('lends the same connection again when the query read its whole result', async () => {
    const engine = await engineOf(1);
    const first = await run(engine, residentsPerDistrict());
    const second = await run(engine, residentsPerDistrict());
    expect(first.result?.rows.length).toBeGreaterThan(0);
    expect(second.connection).toBe(first.connection);
    engine.pool.close();
  });

  it('replaces the connection when the guard refused the statement', async () => {
    const engine = await engineOf(1);
    const first = await run(engine, residentsPerDistrict());
    const refused = await run(engine, aggregatePlan(`SELECT count(*) AS n FROM population.residents; SELECT 1`, [countOf('n')]));
    expect(refused.error?.cause_).toBe('statement_refused');
    await refilled(engine.pool, 1);
    const next = await run(engine, residentsPerDistrict());
    expect(next.result?.rows.length).toBeGreaterThan(0);
    expect(next.connection).not.toBe(first.connection);
    engine.pool.close();
  });

  it('replaces the connection when the query was interrupted', async () => {
    const engine = await engineOf(1);
    const interrupted = await run(engine, residentsPerDistrict(), { interruptAfterConnect: true });
    expect(interrupted.error?.cause_).toBe('timeout');
    await refilled(engine.pool, 1);
    expect(engine.pool.idle).toBe(1);
    expect((await run(engine, residentsPerDistrict())).connection).not.toBe(interrupted.connection);
    engine.pool.close();
  });

  it('replaces the connection when the row cap left part of the result unread', async () => {
    const engine = await engineOf(1);
    const capped = rowsPlan(`SELECT district FROM population.residents`, [rawColumn('district', 'L2')], { rowCap: 5 });
    const truncated = await run(engine, capped);
    expect(truncated.result?.moreRowsThanRead).toBe(true);
    await refilled(engine.pool, 1);
    expect((await run(engine, residentsPerDistrict())).connection).not.toBe(truncated.connection);
    engine.pool.close();
  });

  it('never holds more idle connections than its size, however many were lent at once', async () => {
    const engine = await engineOf(1);
    await Promise.all(Array.from({ length: 4 }, () => run(engine, residentsPerDistrict())));
    expect(engine.pool.idle).toBe(1);
    engine.pool.close();
  });
});

describe('between the queries of different licenses on one reused connection', () => {
  // Each tries to leave something behind on the connection for whoever runs on it next.
  const stateChanges = [
    `CREATE TEMP TABLE leak AS SELECT id_card FROM population.residents`,
    `CREATE TEMP VIEW leak AS SELECT id_card FROM population.residents`,
    `CREATE OR REPLACE TEMP MACRO age_band(d, w) AS 0`,
    `CREATE OR REPLACE TEMP MACRO leak() AS TABLE SELECT id_card FROM population.residents`,
    `CREATE TEMP SEQUENCE leak`,
    `SET VARIABLE leak = (SELECT first(id_card) FROM population.residents)`,
    `SET search_path = 'temp'`,
    `SET SESSION threads = 64`,
    `USE memory`,
    `PREPARE leak AS SELECT id_card FROM population.residents`,
    `BEGIN TRANSACTION`,
    `SELECT setseed(0.5) AS n`,
    `SELECT count(*) AS n FROM population.residents; CREATE TEMP TABLE leak AS SELECT 1`,
    `WITH x AS (SELECT 1) SELECT count(*) AS n FROM x, (SELECT setseed(0.1)) s`,
  ];

  it.each(stateChanges.map((sql) => ({ sql })))('refuses $sql', async ({ sql }) => {
    const engine = await engineOf(1);
    const attempt = await run(engine, aggregatePlan(sql, [countOf('n', false)]));
    expect(attempt.error?.cause_).toBe('statement_refused');
    engine.pool.close();
  });

  it('leaves the connection with the sandbox macros and nothing else after all of them and some clean queries', async () => {
    const engine = await engineOf(1);
    for (const sql of stateChanges) await run(engine, aggregatePlan(sql, [countOf('n', false)]));
    for (let i = 0; i < 3; i++) await run(engine, ageBands());
    await refilled(engine.pool, 1);
    const after = await run(engine, residentsPerDistrict());
    const conn = after.connection!;
    const one = async (sql: string): Promise<unknown> => (await conn.runAndReadAll(sql)).getRowsJson()[0]?.[0];
    expect(await one(`SELECT count(*) FROM duckdb_tables() WHERE temporary`)).toBe('0');
    expect(await one(`SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal`)).toBe('0');
    expect(await one(`SELECT count(*) FROM duckdb_sequences()`)).toBe('0');
    expect(await one(`SELECT count(*) FROM duckdb_variables()`)).toBe('0');
    expect(await one(`SELECT string_agg(function_name, ',' ORDER BY function_name) FROM duckdb_functions() WHERE database_name = 'temp' AND NOT internal`)).toBe('age_band,bucket,dsbx_clamp');
    expect(await one(`SELECT current_database()`)).toBe(hardened.domain.catalog);
    expect(await one(`SELECT current_setting('search_path')`)).toBe('');
    // The macro is still the sandbox's own: ages in whole decades.
    expect(await one(`SELECT age_band(DATE '1990-06-01', 10) % 10`)).toBe(0);
    engine.pool.close();
  });
});

describe('remembered guard verdicts', () => {
  it('refuse a text the guard refused every time it comes back', async () => {
    const allowed = new RememberedTexts();
    const engine = await engineOf(1, allowed);
    const escape = aggregatePlan(`SELECT * FROM query_table('population.residents')`, [countOf('n', false)]);
    for (let i = 0; i < 3; i++) expect((await run(engine, escape)).error?.cause_).toBe('statement_refused');
    expect(allowed.size).toBe(0);
    engine.pool.close();
  });

  it('are kept only for texts the guard allowed, and answer the same on the second run', async () => {
    const allowed = new RememberedTexts();
    const engine = await engineOf(1, allowed);
    const first = await run(engine, residentsPerDistrict());
    expect(allowed.has(residentsPerDistrict().sql)).toBe(true);
    const second = await run(engine, residentsPerDistrict());
    expect(second.result?.rows).toEqual(first.result?.rows);
    engine.pool.close();
  });
});
