// `dsbx start` (what `npm start` runs): seeds the data domain when $DSBX_HOME/domain.duckdb is missing,
// writes demo tokens outside production, and serves.
import fs from 'node:fs';
import { homePaths, type Config } from '../config.ts';
import { loadCatalog } from '../catalog/load.ts';
import { writeDevTokens } from '../auth/dev-tokens.ts';
import { createService } from '../server.ts';
import { configWithAddress, serveUntilSignal } from './serve.ts';

export const help = `usage: dsbx start [--host HOST] [--port PORT]

Generates the synthetic data domain into $DSBX_HOME/domain.duckdb if it is missing (DSBX_SCALE residents,
default 100000; DSBX_SEED), then runs the HTTP service. Outside production (NODE_ENV != production) it
writes one demo token per role to $DSBX_HOME/dev-tokens.json and prints where they are.

options:
  --host HOST   address to listen on (default $HOST, else 127.0.0.1)
  --port PORT   port to listen on (default $PORT, else 8787)`;

/** Seeds the domain unless it exists. Returns true when it had to seed. */
export async function ensureDomain(config: Config): Promise<boolean> {
  if (fs.existsSync(homePaths(config.home).domain)) return false;
  const { seedDomain } = await import('../domain/seed.ts');
  console.log(`dsbx: no data domain in ${config.home}; generating ${config.scale} residents (seed ${config.seed})...`);
  const result = await seedDomain({
    home: config.home,
    scale: config.scale,
    seed: config.seed,
    catalog: loadCatalog(config.datasetsDir),
    log: (msg: string) => console.log(`dsbx: ${msg}`),
  });
  console.log(`dsbx: domain generated in ${result.seconds.toFixed(1)} s`);
  return true;
}

export async function run(args: string[]): Promise<number> {
  const config = configWithAddress(args);
  if (!config) return 2;
  fs.mkdirSync(config.home, { recursive: true });
  await ensureDomain(config);
  const service = await createService(config);
  const tokensFile = config.production ? undefined : await writeDevTokens(service.keys, config);
  return serveUntilSignal(service, config, (server) => {
    if (tokensFile) {
      console.log(`dsbx: demo tokens (one per role) in ${tokensFile}`);
      console.log(`  TOKEN=$(node -p "require('${tokensFile}').developer")`);
      console.log(`  curl -H "Authorization: Bearer $TOKEN" ${server.url}/v1/catalog`);
    }
    // Last, so that a script waiting for this line has everything above it already.
    console.log(`dsbx listening on ${server.url}`);
  });
}
