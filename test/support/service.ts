// Builds a real service (real keys, catalog and policy files, Hono app) in a fresh temporary DSBX_HOME for
// tests, with a logger that keeps the lines it writes so tests can check what reaches the log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { createService, type Service } from '../../src/server.ts';
import { createJsonLogger } from '../../src/api/logger.ts';
import { issueToken, type LicenseRequest } from '../../src/auth/issue.ts';
import type { Role } from '../../src/auth/principal.ts';
import type { RouteModule } from '../../src/api/routes/index.ts';

export interface TestService {
  readonly home: string;
  readonly config: Config;
  readonly service: Service;
  /** Every log line written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The raw log text, for "never appears in the log" checks. */
  logText(): string;
  /** Issues a real token with the service's key. */
  token(role: Role, overrides?: Partial<LicenseRequest>): Promise<string>;
  request(pathname: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** POSTs `body` as JSON with the token. */
  post(pathname: string, body: unknown, token: string): Promise<Response>;
  cleanup(): Promise<void>;
}

/** The request init of a JSON POST with a token. */
export const jsonPost = (body: unknown, token: string): RequestInit & { token: string } => ({
  method: 'POST',
  token,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A response body parsed as JSON, loosely typed for assertions. */
export const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;

export interface TestServiceOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly routes?: readonly RouteModule[];
  /** A generated domain.duckdb (e.g. cachedDomainFile()) to serve queries from; it is linked, never written. */
  readonly domain?: string;
}

export async function testService(opts: TestServiceOptions = {}): Promise<TestService> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-test-'));
  if (opts.domain) fs.symlinkSync(opts.domain, path.join(home, 'domain.duckdb'));
  const config = loadConfig({ DSBX_HOME: home, ...opts.env });
  const lines: string[] = [];
  const logger = createJsonLogger((line) => lines.push(line));
  const service = await createService(config, { logger, queryPath: opts.domain !== undefined, ...(opts.routes ? { routes: opts.routes } : {}) });
  const request = (pathname: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const { token, headers, ...rest } = init;
    const h = new Headers(headers);
    if (token !== undefined) h.set('authorization', `Bearer ${token}`);
    return Promise.resolve(service.app.request(pathname, { ...rest, headers: h }));
  };
  return {
    home,
    config,
    service,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join(''),
    token: async (role, overrides = {}) =>
      (await issueToken(service.keys, config, { sub: `test-${role}`, org: 'test-org', role, datasets: 'all', ttl: '1h', ...overrides })).token,
    request,
    post: (pathname, body, token) => request(pathname, jsonPost(body, token)),
    cleanup: async () => {
      await service.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
