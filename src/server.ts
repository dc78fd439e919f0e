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
import { LiveCatalog } from './catalog/live-catalog.ts';
import { reloadCatalog, SYSTEM_PRINCIPAL, type ReloadOutcome } from './catalog/live-catalog-updates.ts';
import type { Principal } from './auth/principal.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './auth/keys.ts';
import { loadOrCreateServerSecret } from './auth/server-secret.ts';
import { createRevocationList } from './auth/revocation.ts';
import { createTokenVerifier } from './auth/verify.ts';
import { createApp } from './api/app.ts';
import type { AppDeps, AppEnv, HealthCheck } from './api/env.ts';
import { startQueryPath, type QueryPath } from './query-path.ts';
import { createJsonLogger, type Logger } from './api/logger.ts';
import type { RouteModule } from './api/routes/index.ts';

export interface Service {
  readonly app: Hono<AppEnv>;
  /** Present when the data domain exists: the compiler, sandbox, lineage log and metrics. */
  readonly queryPath: QueryPath | undefined;
  /** Stops the sandbox process and closes the lineage log (writing its final checkpoint). */
  close(): Promise<void>;
  /** Re-reads the catalog and policy files (SIGHUP); a bad file keeps the last good version and throws CONFLICT. */
  reload(by?: Principal): Promise<ReloadOutcome>;
  readonly deps: AppDeps;
  readonly keys: SigningKeys;
  /** 32 bytes; the sandbox derives per-license pseudonym keys from it. */
  readonly serverSecret: Buffer;
}

export interface ServiceOptions {
  readonly logger?: Logger;
  readonly routes?: readonly RouteModule[];
  /** Start the query path when the domain exists (default true); false serves metadata only. */
  readonly queryPath?: boolean;
}

const projectVersion = (): string => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
};

export async function createService(config: Config, opts: ServiceOptions = {}): Promise<Service> {
  const logger = opts.logger ?? createJsonLogger();
  // A bad file stops startup here; later, a reload that finds one keeps the last good version instead.
  const live = new LiveCatalog({ catalog: loadCatalog(config.datasetsDir), policy: loadPolicy(config.policiesDir) });
  fs.mkdirSync(config.home, { recursive: true });
  const keys = await loadOrCreateSigningKeys(config.home);
  const serverSecret = loadOrCreateServerSecret(config.home);
  const verifier = createTokenVerifier({
    jwks: keys.jwks,
    config,
    revocation: createRevocationList(homePaths(config.home).revoked),
    onReject: (reason) => logger.warn('token_rejected', { reason }),
  });
  const version = projectVersion();
  const domainExists = fs.existsSync(homePaths(config.home).domain);
  let queryPath: QueryPath | undefined;
  if (opts.queryPath !== false && domainExists) {
    queryPath = await startQueryPath({ config, live, keys, serverSecret, logger, dsbxVersion: version });
  } else if (opts.queryPath !== false) {
    logger.warn('domain_missing', { hint: 'run dsbx seed; the query routes are not served until the domain exists' });
  }
  const qp = queryPath;
  // A service told to serve metadata only has no domain to report on; otherwise a missing domain is degraded.
  const health: HealthCheck[] = [
    ...(opts.queryPath === false ? [] : [{ name: 'domain', check: () => qp !== undefined }]),
    ...(qp ? [{ name: 'lineage', check: () => qp.lineage.integrity().ok }] : []),
  ];
  const reload = async (by: Principal = SYSTEM_PRINCIPAL): Promise<ReloadOutcome> => {
    const outcome = await reloadCatalog({
      live, dirs: config, by, logger,
      ...(qp ? { changes: qp.governance.catalogChanges, onFailure: () => qp.metrics.configReloadFailures.inc() } : {}),
    });
    if (!outcome.changed || !qp) return outcome;
    const lineageId = await qp.governance.record(by, { action: 'catalog.reloaded', reason: null, application: null, datasets: [] });
    return { ...outcome, lineageId };
  };
  const deps: AppDeps = {
    config, catalog: live.catalog, policy: live.policy, live: { catalog: live, reload }, verifier, jwks: keys.jwks as AppDeps['jwks'], logger, version, health,
    ...(qp ? { query: qp.pipeline, lineage: qp.lineage, metrics: qp.metrics, governance: qp.governance } : {}),
  };
  return { app: createApp(deps, opts.routes), deps, keys, serverSecret, queryPath: qp, reload, close: async () => qp?.close() };
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
