// The full service as the benchmarks drive it: a fresh DSBX_HOME over a (cached) generated domain file,
// createService + listen on loopback, rate limits lifted so that the benchmark measures the path and not
// the limiter, and a developer token for every dataset. Everything else (auth, validation, compiler,
// sandbox, output gate, lineage fsync) is the production configuration.
import fs from 'node:fs';
import http from 'node:http';
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

/**
 * One POST over a keep-alive connection with node:http: a lean client, as curl or a notebook's HTTP library
 * would be, so that the latency measured is the service's and not mostly the client's (fetch's streams cost
 * about a millisecond of CPU per request on this event loop, shared with the server).
 */
export function post(agent: http.Agent, url: string, token: string | null, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function startServiceUnderTest(domainFile: string, env: Record<string, string> = {}): Promise<ServiceUnderTest> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-bench-service-'));
  fs.symlinkSync(domainFile, path.join(home, 'domain.duckdb'));
  const config = loadConfig({ DSBX_HOME: home, DSBX_RATE_BURST: '1000000', DSBX_RATE_PER_SECOND: '1000000', ...env });
  const service = await createService(config, { logger: createJsonLogger(() => {}) });
  const server = await listen(service.app, '127.0.0.1', 0);
  const { token } = await issueToken(service.keys, config, { sub: 'bench', org: 'bench', role: 'developer', datasets: 'all', ttl: '2h' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return {
    url: server.url,
    token,
    config,
    service,
    async query(sql) {
      const { status, text } = await post(agent, `${server.url}/v1/query`, token, JSON.stringify({ sql, purpose: 'benchmark' }));
      const body = JSON.parse(text) as unknown;
      if (status !== 200) throw new Error(`HTTP ${status}: ${text}`);
      return body;
    },
    async close() {
      agent.destroy();
      await server.close();
      await service.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
