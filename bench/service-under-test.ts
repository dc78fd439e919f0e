// The full service as the benchmarks drive it: a fresh DSBX_HOME over a (cached) generated domain file,
// createService + listen on loopback, rate limits lifted so that the benchmark measures the path and not
// the limiter, and a developer token for every dataset. Everything else (auth, validation, compiler,
// sandbox, output gate, lineage fsync) is the production configuration.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueToken } from '../src/auth/issue.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createJsonLogger } from '../src/api/logger.ts';
import { createService, listen, type Service } from '../src/server.ts';

export interface ServiceUnderTest {
  readonly url: string;
  readonly token: string;
  readonly config: Config;
  readonly service: Service;
  /** Sends one query; throws unless the answer is 200. */
  query(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startServiceUnderTest(domainFile: string, env: Record<string, string> = {}): Promise<ServiceUnderTest> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-bench-service-'));
  fs.symlinkSync(domainFile, path.join(home, 'domain.duckdb'));
  const config = loadConfig({ DSBX_HOME: home, DSBX_RATE_BURST: '1000000', DSBX_RATE_PER_SECOND: '1000000', ...env });
  const service = await createService(config, { logger: createJsonLogger(() => {}) });
  const server = await listen(service.app, '127.0.0.1', 0);
  const { token } = await issueToken(service.keys, config, { sub: 'bench', org: 'bench', role: 'developer', datasets: 'all', ttl: '2h' });
  return {
    url: server.url,
    token,
    config,
    service,
    async query(sql) {
      const res = await fetch(`${server.url}/v1/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sql, purpose: 'benchmark' }),
      });
      const body = (await res.json()) as unknown;
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await server.close();
      await service.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
