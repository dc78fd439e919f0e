// Benchmark: compile time per query over the legitimate corpus (src/sql/fixtures/allowed.sql). Prints p50
// and p99 in milliseconds and the number of DuckDB round trips per allowed query (parse, then render + plan in one = 2).
// Run: npx tsx bench/compile.ts [rounds]
import path from 'node:path';
import { loadCatalog } from '../src/catalog/load.ts';
import { loadPolicy } from '../src/policy/load.ts';
import type { Principal } from '../src/auth/principal.ts';
import { compileQuery, SqlCompiler } from '../src/sql/compile.ts';
import { loadAllowed } from '../src/sql/fixtures/load.ts';

const root = path.resolve(import.meta.dirname, '..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'bench', org: 'bench', roles: ['developer'], datasets: 'all', jti: 'bench', exp: 2e9 };
const rounds = Number(process.argv[2] ?? 5);

const compiler = await SqlCompiler.create(catalog);
const corpus = loadAllowed();
// Warm-up: first calls prepare statements and JIT-compile the pipeline.
for (const q of corpus) await compileQuery({ sql: q.sql, mode: q.mode }, principal, catalog, policy, compiler);

const times: number[] = [];
let denied = 0;
for (let r = 0; r < rounds; r++) {
  for (const q of corpus) {
    const t0 = performance.now();
    const d = await compileQuery({ sql: q.sql, mode: q.mode }, principal, catalog, policy, compiler);
    times.push(performance.now() - t0);
    if (d.effect !== 'allow') denied++;
  }
}
compiler.close();
times.sort((a, b) => a - b);
const pct = (p: number): string => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(2);
console.log(`queries ${corpus.length} x ${rounds} rounds, denied ${denied}`);
console.log(`compile p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${times[times.length - 1]!.toFixed(2)} ms`);
