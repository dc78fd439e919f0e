// Runtime configuration, read once from the environment. Everything that differs between a laptop demo
// and a city's deployment is here, with the default that makes `npm start` work out of the box.
import path from 'node:path';

export interface Config {
  readonly home: string;
  readonly host: string;
  readonly port: number;
  readonly production: boolean;
  readonly scale: number;
  readonly seed: number;
  readonly issuer: string;
  readonly audience: string;
  readonly datasetsDir: string;
  readonly policiesDir: string;
  readonly sandbox: {
    readonly threads: number;
    readonly memoryLimit: string;
    readonly tempDirectorySize: string;
    readonly concurrency: number;
    readonly queueLimit: number;
    readonly timeoutMs: number;
    readonly killGraceMs: number;
  };
  readonly maxBodyBytes: number;
  readonly lineageCheckpointEvery: number;
  /** Per-subject token bucket for the query routes. */
  readonly rateLimit: { readonly capacity: number; readonly refillPerSecond: number };
}

const int = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`configuration: expected a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
};

const projectRoot = path.resolve(import.meta.dirname, '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    home: path.resolve(env.DSBX_HOME ?? path.join(process.cwd(), 'var')),
    host: env.HOST ?? '127.0.0.1',
    port: int(env.PORT, 8787),
    production: env.NODE_ENV === 'production',
    scale: int(env.DSBX_SCALE, 100_000),
    seed: int(env.DSBX_SEED, 20240101),
    issuer: env.DSBX_ISSUER ?? 'urn:dsbx:qiqihar',
    audience: env.DSBX_AUDIENCE ?? 'urn:dsbx:api',
    datasetsDir: path.resolve(env.DSBX_DATASETS_DIR ?? path.join(projectRoot, 'datasets')),
    policiesDir: path.resolve(env.DSBX_POLICIES_DIR ?? path.join(projectRoot, 'policies')),
    sandbox: {
      threads: int(env.DSBX_SANDBOX_THREADS, 2),
      memoryLimit: env.DSBX_SANDBOX_MEMORY ?? '2GB',
      tempDirectorySize: env.DSBX_SANDBOX_TEMP_SIZE ?? '4GB',
      concurrency: int(env.DSBX_SANDBOX_CONCURRENCY, 4),
      queueLimit: int(env.DSBX_SANDBOX_QUEUE, 64),
      timeoutMs: int(env.DSBX_QUERY_TIMEOUT_MS, 10_000),
      killGraceMs: int(env.DSBX_KILL_GRACE_MS, 2_000),
    },
    maxBodyBytes: int(env.DSBX_MAX_BODY_BYTES, 128 * 1024),
    lineageCheckpointEvery: int(env.DSBX_LINEAGE_CHECKPOINT_EVERY, 1000),
    rateLimit: { capacity: Math.max(1, int(env.DSBX_RATE_BURST, 60)), refillPerSecond: Math.max(1, int(env.DSBX_RATE_PER_SECOND, 20)) },
  };
}

/** Paths inside DSBX_HOME. One place names them so that no module invents its own. */
export const homePaths = (home: string) => ({
  domain: path.join(home, 'domain.duckdb'),
  keys: path.join(home, 'keys'),
  privateKey: path.join(home, 'keys', 'signing.private.jwk.json'),
  publicKey: path.join(home, 'keys', 'signing.public.jwk.json'),
  serverSecret: path.join(home, 'keys', 'server-secret'),
  revoked: path.join(home, 'revoked.json'),
  devTokens: path.join(home, 'dev-tokens.json'),
  lineage: path.join(home, 'lineage'),
  tmp: path.join(home, 'tmp'),
  state: path.join(home, 'state'),
});
