// Benchmark of the sandbox: (1) the latency the executor process adds over a direct in-process DuckDB call
// for a small aggregate (p50, p90), with the executor's per-query steps also timed in-process to show where
// the difference goes (a fresh connection + macros + guard per query, as before the pool; a pooled
// connection with the guard; a pooled connection with the guard's remembered verdict); (2) the output gate's
// throughput on a 1,000,000-row release, for a row release (four masks, a pseudonym, k-anonymity) and for
// an aggregate release (threshold + rounding over a million groups).
// Usage: npx tsx bench/sandbox.ts [--scale N | --domain FILE] [--iterations N] [--rows N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config.ts';
import { converterFor } from '../sandbox/executor/duckdb-values.ts';
import { RememberedTexts } from '../sandbox/executor/remembered-texts.ts';
import { ConnectionPool, openExecutorConnection } from '../sandbox/executor/connection-pool.ts';
import { openHardenedDomain } from '../sandbox/executor/hardened-instance.ts';
import { runCompiledQuery } from '../sandbox/executor/run-query.ts';
import { guardStatement } from '../sandbox/executor/statement-guard.ts';
import { aggregatePlan, countOf, groupKey, maskedColumn, pseudonymColumn, rawColumn, residentsPerDistrict, rowsPlan } from '../sandbox/fixtures/compiled-plans.ts';
import { runOutputGate } from '../sandbox/gate/output-gate.ts';
import { pseudonymKey } from '../sandbox/gate/pseudonym.ts';
import type { GateValue, RawResult } from '../sandbox/gate/types.ts';
import { Sandbox } from '../sandbox/supervisor.ts';
import { flag, timeEach } from './measure.ts';

const ms = (x: number): string => `${x.toFixed(2)} ms`;

const scale = flag('scale', 100_000);
const iterations = flag('iterations', 300);
const releaseRows = flag('rows', 1_000_000);
const config = loadConfig();
console.log(`sandbox benchmark: ${process.argv.includes('--domain') ? 'given domain' : `${scale.toLocaleString('en')} residents`}, ${iterations} iterations, ${os.cpus().length} cores, node ${process.version}`);

// ---- (1) latency -------------------------------------------------------------------------------------
// An existing domain file (read-only) or a generated one, cached like the tests' domains.
const domainArg = process.argv.indexOf('--domain');
const home = domainArg >= 0
  ? fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-bench-sandbox-'))
  : await (await import('../test/support/domain.ts')).testDomainHome(scale);
const domainFile = domainArg >= 0 ? path.resolve(String(process.argv[domainArg + 1])) : path.join(home, 'domain.duckdb');
const tmpDir = path.join(home, 'tmp');
const plan = residentsPerDistrict();
const hardening = { domainFile, tmpDir, threads: config.sandbox.threads, memoryLimit: config.sandbox.memoryLimit, tempDirectorySize: config.sandbox.tempDirectorySize };

const direct = await DuckDBInstance.create(domainFile, { access_mode: 'READ_ONLY', threads: String(config.sandbox.threads) });
const directConn = await direct.connect();
const baseline = await timeEach(iterations, () => directConn.runAndReadAll(plan.sql));
directConn.closeSync();
direct.closeSync();

const hardened = await openHardenedDomain(hardening);
// Before the pool: every query opened its connection, defined the macros, prepared and ran the guard.
const freshSteps = await timeEach(iterations, async () => {
  const c = await openExecutorConnection(hardened.instance);
  await guardStatement(c, plan.sql, hardened.domain);
  await c.connection.runAndReadAll(plan.sql);
  c.serializeSql.destroySync();
  c.serializePlan.destroySync();
  c.connection.closeSync();
});
const pool = await ConnectionPool.open(hardened.instance, 1);
const handle = { onConnection: () => {}, interrupted: () => false };
const pooledGuarded = await timeEach(iterations, () =>
  runCompiledQuery({ pool, domain: hardened.domain, allowed: new RememberedTexts(0), undecidedByRows: new RememberedTexts() }, plan, plan.rowCap, handle),
);
const remembered = { pool, domain: hardened.domain, allowed: new RememberedTexts(), undecidedByRows: new RememberedTexts() };
const pooledRemembered = await timeEach(iterations, () => runCompiledQuery(remembered, plan, plan.rowCap, handle));
pool.close();
hardened.instance.closeSync();

const sandbox = await Sandbox.start({ ...hardening, pseudonymSecret: new Uint8Array(32).fill(1), ...config.sandbox, timeoutMs: 120_000 });
const ctx = { subject: 'bench', queryId: 'q' };
const viaSandbox = await timeEach(iterations, () => sandbox.execute(plan, ctx));

// End to end: every transit trip released as rows (pseudonymized card, masked card, k-anonymity), through
// the executor process and back over IPC, against reading the same rows directly in-process.
// At most --rows of them: at 1M residents there are 5M trips, more than one process should hold as JSON.
const tripsSql = `SELECT card_type, line, card_no AS holder, card_no FROM transit.card_trips LIMIT ${releaseRows}`;
const directAgain = await DuckDBInstance.create(domainFile, { access_mode: 'READ_ONLY', threads: String(config.sandbox.threads) });
const directTrips = await directAgain.connect();
let t0 = performance.now();
const tripRows = (await directTrips.runAndReadAll(tripsSql)).getRowsJson().length;
const directTripsSeconds = (performance.now() - t0) / 1000;
directTrips.closeSync();
directAgain.closeSync();
const tripsPlan = rowsPlan(
  tripsSql,
  [rawColumn('card_type', 'L2', true), rawColumn('line', 'L1', true), pseudonymColumn('holder'), maskedColumn('card_no', 'card_no')],
  { k: 5, rowCap: tripRows },
);
t0 = performance.now();
const tripsOut = await sandbox.execute(tripsPlan, ctx);
const sandboxTripsSeconds = (performance.now() - t0) / 1000;
await sandbox.close();

console.log(`\n(1) small aggregate: ${plan.sql}`);
console.log(`  baseline   direct in-process DuckDB, one connection          p50 ${ms(baseline.p50)}  p90 ${ms(baseline.p90)}`);
console.log(`  in-process, fresh connection + macros + guard per query    p50 ${ms(freshSteps.p50)}  p90 ${ms(freshSteps.p90)}`);
console.log(`  in-process, pooled connection + guard                      p50 ${ms(pooledGuarded.p50)}  p90 ${ms(pooledGuarded.p90)}`);
console.log(`  in-process, pooled connection, guard verdict remembered    p50 ${ms(pooledRemembered.p50)}  p90 ${ms(pooledRemembered.p90)}`);
console.log(`  sandbox    Sandbox.execute (IPC, executor, gate)            p50 ${ms(viaSandbox.p50)}  p90 ${ms(viaSandbox.p90)}`);
console.log(`  added latency of the sandbox over the baseline (p50)        ${ms(viaSandbox.p50 - baseline.p50)}`);
console.log(`\n    row release of ${tripRows.toLocaleString('en')} transit trips (all, or --rows), end to end`);
console.log(`  baseline   direct in-process read                           ${directTripsSeconds.toFixed(2)} s  ${Math.round(tripRows / directTripsSeconds).toLocaleString('en')} rows/s`);
console.log(`  sandbox    executor read + gate + IPC                       ${sandboxTripsSeconds.toFixed(2)} s  ${Math.round(tripRows / sandboxTripsSeconds).toLocaleString('en')} rows/s  (gate ${(tripsOut.timings.gateMs / 1000).toFixed(2)} s, ${tripsOut.disclosure.rowCount.toLocaleString('en')} released)`);

// ---- (2) gate throughput -----------------------------------------------------------------------------
// A million synthetic rows shaped like the register, read from DuckDB with the executor's converters.
const mem = await DuckDBInstance.create(':memory:', { threads: String(config.sandbox.threads) });
const conn = await mem.connect();
async function readAll(sql: string): Promise<RawResult> {
  const result = await conn.stream(sql);
  const types = result.columnTypes();
  const converters = types.map(converterFor);
  const rows: GateValue[][] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const cols = converters.map((c, i) => chunk.getColumnValues(i).map(c));
    for (let r = 0; r < chunk.rowCount; r++) rows.push(cols.map((col) => col[r] ?? null));
  }
  return { columns: result.columnNames().map((name, i) => ({ name, type: String(types[i]) })), rows, moreRowsThanRead: false };
}
const rowsSql = `SELECT
    (['龙沙区','建华区','铁锋区','昂昂溪区','富拉尔基区','碾子山区','梅里斯达斡尔族区','龙江县'])[1 + i % 8] AS district,
    CASE WHEN i % 2 = 0 THEN '男' ELSE '女' END AS gender,
    '230202' || (19500101 + i % 500000)::VARCHAR || lpad((i % 10000)::VARCHAR, 4, '0') AS person,
    '230202' || (19500101 + i % 500000)::VARCHAR || lpad((i % 10000)::VARCHAR, 4, '0') AS id_card,
    (['张','李','王','欧阳','赵'])[1 + i % 5] || '小明' AS name,
    '138' || lpad((i % 100000000)::VARCHAR, 8, '0') AS phone,
    '黑龙江省齐齐哈尔市' || (['龙沙区','建华区','铁锋区','讷河市'])[1 + i % 4] || '卜奎大街' || (i % 500)::VARCHAR || '号' AS address
  FROM range(${releaseRows}) t(i)`;
const rowsRaw = await readAll(rowsSql);
const rowsCompiled = rowsPlan(
  'bench',
  [rawColumn('district', 'L2', true), rawColumn('gender', 'L2', true), pseudonymColumn('person'), maskedColumn('id_card', 'id_card'), maskedColumn('name', 'name'), maskedColumn('phone', 'phone'), maskedColumn('address', 'address')],
  { k: 5, rowCap: releaseRows },
);
const key = pseudonymKey(new Uint8Array(32).fill(1), 'bench');
let t = performance.now();
const rowsOut = runOutputGate(rowsRaw, rowsCompiled, { pseudonymKey: key });
const rowsSeconds = (performance.now() - t) / 1000;

const aggRaw = await readAll(`SELECT i AS g, (i % 40)::BIGINT AS n, (i % 40)::BIGINT AS __dsbx_units FROM range(${releaseRows}) t(i)`);
const aggCompiled = aggregatePlan('bench', [groupKey('g'), countOf('n')], { rowCap: releaseRows });
t = performance.now();
const aggOut = runOutputGate(aggRaw, aggCompiled, { pseudonymKey: key });
const aggSeconds = (performance.now() - t) / 1000;
conn.closeSync();
mem.closeSync();

const perSecond = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en')} rows/s`;
console.log(`\n(2) output gate on a ${releaseRows.toLocaleString('en')}-row release (in the executor's process, after reading)`);
console.log(`  row release (4 masks, pseudonym, k-anonymity k=5 over 2 QIs): ${rowsSeconds.toFixed(2)} s  ${perSecond(releaseRows, rowsSeconds)}  (${rowsOut.disclosure.rowCount.toLocaleString('en')} released)`);
console.log(`  aggregate release (threshold k=10, rounding to 5):           ${aggSeconds.toFixed(2)} s  ${perSecond(releaseRows, aggSeconds)}  (${aggOut.disclosure.rowCount.toLocaleString('en')} released, ${aggOut.disclosure.suppressedGroups.toLocaleString('en')} suppressed)`);
