// `npm run fuzz`: a longer fuzz campaign than CI's, against a fresh service on a generated domain.
// FUZZ_COUNT (default 100000) queries from FUZZ_SEED (default: the time), FUZZ_CONCURRENCY in flight; prints
// the tallies and every finding (seed and index reproduce it) and exits 1 if there is any, or if the
// lineage chain does not verify at the end.
import { loadCatalog } from '../../src/catalog/load.ts';
import { cachedDomainFile } from '../support/domain.ts';
import { testService } from '../support/service.ts';
import { readDomainSecrets } from '../adversarial/domain-secrets.ts';
import { SecretScanner } from '../adversarial/secret-scanner.ts';
import { httpTarget, runCampaign } from './campaign.ts';

const positive = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer`);
  return v;
};
const count = positive('FUZZ_COUNT', 100_000);
const seed = positive('FUZZ_SEED', Date.now() % 2 ** 31);
const concurrency = positive('FUZZ_CONCURRENCY', 4);

const domain = await cachedDomainFile(3000);
const catalog = loadCatalog(new URL('../../datasets', import.meta.url).pathname);
const scanner = new SecretScanner((await readDomainSecrets(domain, catalog)).values);
const t = await testService({ domain, env: { DSBX_RATE_BURST: '1000000000', DSBX_RATE_PER_SECOND: '1000000000', DSBX_QUERY_TIMEOUT_MS: '4000' } });
let failed = false;
try {
  const token = await t.token('developer', { ttl: '24h' });
  const reviewer = await t.token('reviewer', { ttl: '24h' });
  console.log(`fuzz: ${count} queries, seed ${seed}, ${concurrency} in flight`);
  const report = await runCampaign({
    target: httpTarget(t, token), catalog, scanner, seed, count, concurrency,
    onProgress: (done) => process.stderr.write(`  ${done} sent\n`),
  });
  const verify = (await (await t.request('/v1/lineage/verify', { token: reviewer })).json()) as { ok?: boolean; count?: number };
  console.log(JSON.stringify({ ...report, findings: report.findings.length, lineage: verify }, null, 2));
  for (const f of report.findings) console.log(`FINDING seed ${seed} #${f.index} ${f.problem} ${f.status} [${f.mode}] ${f.sql}\n  ${f.detail}`);
  // At least one record per query: the service also records its own startup (a catalog version, governance).
  failed = report.findings.length > 0 || verify.ok !== true || (verify.count ?? 0) < count;
} finally {
  await t.cleanup();
}
process.exit(failed ? 1 : 0);
