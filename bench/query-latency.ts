// Benchmark of the whole query path: p50/p99 latency of small aggregates sent over HTTP to a running service
// (authenticate, validate, compile, sandbox, gate, lineage fsync) against the same SQL run directly on DuckDB
// in-process — the baseline measured in the same run, on the same domain file.
// Usage: npx tsx bench/query-latency.ts [--scale N] [--iterations N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config.ts';
import { issueToken } from '../src/auth/issue.ts';
import { createService, listen } from '../src/server.ts';
import { createJsonLogger } from '../src/api/logger.ts';
import { cachedDomainFile } from '../test/support/domain.ts';
import { flag, timeEach } from './measure.ts';


const scale = flag('scale', 100_000);
const iterations = flag('iterations', 200);
const QUERIES = [
  'SELECT district, count(*) AS n FROM population.residents GROUP BY district',
  'SELECT insurance_type, status, count(*) AS n, avg(monthly_base) AS base FROM social_security.insured GROUP BY 1, 2',
  'SELECT line, count(*) AS trips FROM transit.card_trips GROUP BY line',
];

const domain = await cachedDomainFile(scale);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-bench-query-'));
fs.symlinkSync(domain, path.join(home, 'domain.duckdb'));
const config = loadConfig({ DSBX_HOME: home, DSBX_RATE_BURST: '1000000', DSBX_RATE_PER_SECOND: '1000000' });
const service = await createService(config, { logger: createJsonLogger(() => {}) });
const server = await listen(service.app, '127.0.0.1', 0);
const { token } = await issueToken(service.keys, config, { sub: 'bench', org: 'bench', role: 'developer', datasets: 'all', ttl: '1h' });

const direct = await (await DuckDBInstance.create(domain, { access_mode: 'READ_ONLY' })).connect();
console.log(`query latency: ${scale.toLocaleString('en')} residents, ${iterations} iterations per query, ${os.cpus().length} cores, node ${process.version}`);
console.log('| query | direct DuckDB p50 / p99 | HTTP end to end p50 / p99 | overhead p50 |');
console.log('|---|---|---|---|');
for (const sql of QUERIES) {
  const base = await timeEach(iterations, () => direct.runAndReadAll(sql));
  const http = await timeEach(iterations, async () => {
    const res = await fetch(`${server.url}/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql, purpose: 'benchmark' }),
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(await res.json())}`);
    await res.json();
  });
  const f = (x: number) => x.toFixed(2);
  console.log(`| ${sql.slice(0, 60)}… | ${f(base.p50)} / ${f(base.p99)} ms | ${f(http.p50)} / ${f(http.p99)} ms | +${f(http.p50 - base.p50)} ms |`);
}
direct.closeSync();
await server.close();
await service.close();
fs.rmSync(home, { recursive: true, force: true });
