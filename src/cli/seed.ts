// `dsbx seed`: generates the synthetic data domain into $DSBX_HOME/domain.duckdb (replacing any previous
// one only once the new one is complete) and prints the rows per table and the time taken.
import { loadConfig } from '../config.ts';
import { loadCatalog } from '../catalog/load.ts';
import { seedDomain } from '../domain/seed.ts';

export const help = `usage: dsbx seed [--scale N] [--seed N]

Generates the synthetic data domain (Qiqihar's population register, social insurance, medical claims,
heating and power bills, bus card trips, enterprise register) into $DSBX_HOME/domain.duckdb.

  --scale N   number of residents; the other tables scale from it (default $DSBX_SCALE or 100000)
  --seed N    random seed; the same seed and scale give the same data (default $DSBX_SEED or 20240101)`;

function parseArgs(args: string[]): { scale?: number; seed?: number } | string {
  const out: { scale?: number; seed?: number } = {};
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (name !== '--scale' && name !== '--seed') return `unknown option ${JSON.stringify(name)}`;
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) return `${name} expects a non-negative integer`;
    out[name === '--scale' ? 'scale' : 'seed'] = n;
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`dsbx seed: ${parsed}\n\n${help}`);
    return 2;
  }
  const config = loadConfig();
  const scale = parsed.scale ?? config.scale;
  const seed = parsed.seed ?? config.seed;
  console.log(`seeding ${scale} residents (seed ${seed}) into ${config.home}`);
  const result = await seedDomain({ home: config.home, scale, seed, catalog: loadCatalog(config.datasetsDir), log: (m) => console.log(`  ${m}`) });
  for (const [table, n] of Object.entries(result.rows)) console.log(`  ${table.padEnd(30)} ${String(n).padStart(10)} rows`);
  console.log(`done in ${result.seconds.toFixed(1)} s: ${result.file}`);
  return 0;
}
