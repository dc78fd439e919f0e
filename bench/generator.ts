// Benchmark of the synthetic data domain generator: seeds a fresh DSBX_HOME at the given scale (default
// 1,000,000 residents) and prints the seconds per dataset, the total, the rows per table and the file size.
// Usage: npx tsx bench/generator.ts [--scale N] [--seed N] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { loadCatalog } from '../src/catalog/load.ts';
import { seedDomain } from '../src/domain/seed.ts';
import { flag } from './measure.ts';


const config = loadConfig();
const scale = flag('scale', 1_000_000);
const seed = flag('seed', config.seed, 0);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-bench-'));
console.log(`seeding ${scale.toLocaleString('en')} residents (seed ${seed}) on ${os.cpus().length} cores, node ${process.version}`);
const result = await seedDomain({ home, scale, seed, catalog: loadCatalog(config.datasetsDir), log: (m) => console.log(`  ${m}`) });
const bytes = fs.statSync(result.file).size;
for (const [table, n] of Object.entries(result.rows)) console.log(`  ${table.padEnd(30)} ${n.toLocaleString('en').padStart(12)} rows`);
console.log(`total ${result.seconds.toFixed(1)} s, domain file ${(bytes / 1024 / 1024).toFixed(0)} MiB`);
if (process.argv.includes('--keep')) console.log(`kept ${result.file}`);
else fs.rmSync(home, { recursive: true, force: true });
