// Builds the running service from Config: loads the catalog and policy (a bad file stops startup), the
// signing keys and server secret (created on first start), the token verifier, then the Hono app; and
// listens on HOST:PORT with a close() that drains connections.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import { homePaths, type Config } from './config.ts';
import { loadCatalog } from './catalog/load.ts';
import { loadPolicy } from './policy/load.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './auth/keys.ts';
import { loadOrCreateServerSecret } from './auth/server-secret.ts';
import { createRevocationList } from './auth/revocation.ts';
import { createTokenVerifier } from './auth/verify.ts';
import { createApp } from './api/app.ts';
import type { AppDeps, AppEnv } from './api/env.ts';
import { createJsonLogger, type Logger } from './api/logger.ts';
import type { RouteModule } from './api/routes/index.ts';

export interface Service {
  readonly app: Hono<AppEnv>;
  readonly deps: AppDeps;
  readonly keys: SigningKeys;
  /** 32 bytes; the sandbox derives per-license pseudonym keys from it. */
  readonly serverSecret: Buffer;
}

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly routes?: readonly RouteModule[];
}

const projectVersion = (): string => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
};

export async function createService(config: Config, opts: ServiceOptions = {}): Promise<Service> {
  const logger = opts.logger ?? createJsonLogger();
  const catalog = loadCatalog(config.datasetsDir);
  const policy = loadPolicy(config.policiesDir);
  fs.mkdirSync(config.home, { recursive: true });
  const keys = await loadOrCreateSigningKeys(config.home);
  const serverSecret = loadOrCreateServerSecret(config.home);
  const verifier = createTokenVerifier({
    jwks: keys.jwks,
    config,
    revocation: createRevocationList(homePaths(config.home).revoked),
    onReject: (reason) => logger.warn('token_rejected', { reason }),
  });
  const deps: AppDeps = { config, catalog, policy, verifier, jwks: keys.jwks as AppDeps['jwks'], logger, version: projectVersion() };
  return { app: createApp(deps, opts.routes), deps, keys, serverSecret };
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one); rejects if the address is taken. */
export function listen(app: Hono<AppEnv>, host: string, port: number): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Bounds slow-loris style clients; a query's own time limit is the sandbox's business.
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${shownHost}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
