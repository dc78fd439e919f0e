// Lineage benchmark: durable appends per second (sequential, and 32 concurrent appenders sharing group
// commits), the time to verify a log of 1,000,000 records offline (target: 10 s or less), and with --open the
// time and RSS to open it, without sidecars and from them.
// Usage: npx tsx bench/lineage.ts [--records 1000000] [--open] [--dir DIR]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BudgetLedger } from '../src/dp/budget-ledger.ts';
import { sealRecord } from '../src/lineage/canonical-hash.ts';
import { signCheckpoint } from '../src/lineage/checkpoint.ts';
import { openLineageStore } from '../src/lineage/embedded-store.ts';
import { GENESIS_HASH } from '../src/lineage/record.ts';
import { newRecordId } from '../src/lineage/record-id.ts';
import { sampleEntry } from '../src/lineage/sample-entries.ts';
import { CHECKPOINTS_FILE, segmentFileName } from '../src/lineage/segment-files.ts';
import { generateTestKeys, silentLog, type TestKeys } from '../src/lineage/test-keys.ts';
import { verifyLineage } from '../src/lineage/verify.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, open: { type: 'boolean', default: false }, dir: { type: 'string' } },
});
const RECORDS = Number(values.records);
const keys = await generateTestKeys('bench');
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-bench-lineage-'));

async function appends(label: string, total: number, appenders: number): Promise<void> {
  const dir = path.join(scratch, label);
  const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
  const per = Math.ceil(total / appenders);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: appenders }, async (_, a) => {
      for (let i = 0; i < per; i++) await store.append(sampleEntry(a * per + i));
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  const report = await verifyLineage({ dir, publicJwk: keys.publicJwk });
  if (!report.ok) throw new Error(`bench log not intact: ${JSON.stringify(report.firstBad)}`);
  console.log(`appends, ${appenders} appender(s), fsync each commit: ${(per * appenders / seconds).toFixed(0)} /s (${per * appenders} in ${seconds.toFixed(2)} s)`);
}

/**
 * Writes a log of n records the way the store lays it out (same sealing, 100k-record segments, a signed
 * checkpoint every 1000), without an fsync per record, which would only measure the disk.
 */
async function generate(dir: string, n: number, k: TestKeys): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  let prev = GENESIS_HASH;
  let chunk: string[] = [];
  const checkpoints: string[] = [];
  const start = performance.now();
  for (let seq = 1; seq <= n; seq++) {
    const { record, line } = sealRecord({ ...sampleEntry(seq), id: newRecordId(), seq, time: new Date().toISOString(), prev });
    prev = record.hash;
    chunk.push(line);
    if (seq % 1000 === 0 || seq === n) checkpoints.push(await signCheckpoint({ count: seq, head: prev, time: record.time }, k.signer));
    if (chunk.length === 10_000 || seq === n) {
      await fs.appendFile(path.join(dir, segmentFileName(Math.ceil(seq / 100_000))), `${chunk.join('\n')}\n`);
      chunk = [];
    }
    if (seq % 100_000 === 0) process.stderr.write(`  generated ${seq} records (${((performance.now() - start) / 1000).toFixed(0)} s)\n`);
  }
  await fs.writeFile(path.join(dir, CHECKPOINTS_FILE), `${checkpoints.join('\n')}\n`);
}

await appends('sequential', 300, 1);
await appends('concurrent', 6400, 32);

const bigDir = values.dir ?? path.join(scratch, 'big');
let bigKeys = keys;
const keyFile = path.join(bigDir, '..', `${path.basename(bigDir)}.bench-key.json`);
try {
  // A kept log from an earlier run (--dir) is reused with the key it was signed with.
  const saved = JSON.parse(await fs.readFile(keyFile, 'utf8')) as { count: number };
  if (saved.count !== RECORDS) throw new Error('different size');
  const { importJWK } = await import('jose');
  const k = saved as unknown as { publicJwk: TestKeys['publicJwk']; privateJwk: TestKeys['privateJwk'] };
  bigKeys = { publicJwk: k.publicJwk, privateJwk: k.privateJwk, signer: { kid: 'bench', privateKey: (await importJWK(k.privateJwk, 'EdDSA')) as CryptoKey } };
  console.log(`reusing the ${RECORDS}-record log in ${bigDir}`);
} catch {
  await fs.rm(bigDir, { recursive: true, force: true });
  console.log(`generating ${RECORDS} records ...`);
  const t = performance.now();
  await generate(bigDir, RECORDS, keys);
  await fs.writeFile(keyFile, JSON.stringify({ count: RECORDS, publicJwk: keys.publicJwk, privateJwk: keys.privateJwk }));
  console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
let bytes = 0;
for (const f of await fs.readdir(bigDir)) bytes += (await fs.stat(path.join(bigDir, f))).size;

const t0 = performance.now();
const report = await verifyLineage({ dir: bigDir, publicJwk: bigKeys.publicJwk });
const verifySeconds = (performance.now() - t0) / 1000;
if (!report.ok || report.count !== RECORDS) throw new Error(`verification failed: ${JSON.stringify(report)}`);
console.log(
  `verify ${report.count} records (${(bytes / 2 ** 20).toFixed(0)} MiB, ${report.checkpoints.verified} checkpoints): ${verifySeconds.toFixed(2)} s` +
    ` (${((verifySeconds * 1e6) / RECORDS).toFixed(1)} µs/record; target <= 10 s: ${verifySeconds <= 10 ? 'met' : 'NOT met'})`,
);

if (values.open) {
  // Open twice: the first open of a log without sidecars reads every segment and writes a sidecar for each
  // sealed one; the second loads those and reads only the active segment (then re-hashes in the background).
  const openStore = () => openLineageStore({ dir: bigDir, signer: bigKeys.signer, publicJwk: bigKeys.publicJwk, checkpointEvery: 0, log: silentLog });
  const hadSidecars = (await fs.readdir(bigDir)).some((f) => f.endsWith('.idx'));
  const t1 = performance.now();
  const first = await openStore();
  const firstSeconds = (performance.now() - t1) / 1000;
  const firstRss = process.memoryUsage().rss;
  await first.close();
  console.log(`open ${hadSidecars ? 'with sidecars present' : 'without sidecars (reads every segment, writes the sidecars)'} ${RECORDS} records: ${firstSeconds.toFixed(1)} s, rss ${(firstRss / 2 ** 20).toFixed(0)} MiB`);

  const t2 = performance.now();
  const store = await openStore();
  const openSeconds = (performance.now() - t2) / 1000;
  const openRss = process.memoryUsage().rss;
  const t3 = performance.now();
  const page = await store.list({ subject: 'dev-3', dataset: 'population' }, { limit: 50 });
  const listMs = performance.now() - t3;
  const t4 = performance.now();
  await BudgetLedger.fromLineage(store, 1e6, ['health']);
  const ledgerMs = performance.now() - t4;
  const sidecars = (await fs.readdir(bigDir)).filter((f) => f.endsWith('.idx')).length;
  console.log(
    `open from sidecars ${RECORDS} records (${sidecars} sealed segments from sidecars, the active one read): ${openSeconds.toFixed(1)} s, rss ${(openRss / 2 ** 20).toFixed(0)} MiB;` +
      ` filtered page of ${page.records.length}: ${listMs.toFixed(1)} ms; ε ledger from the index: ${ledgerMs.toFixed(0)} ms`,
  );
  // The background re-hash of the sealed segments ends by stamping integrity().checkedAt.
  const checkedAt = store.integrity().checkedAt;
  const t5 = performance.now();
  while (store.integrity().checkedAt === checkedAt && performance.now() - t5 < 600_000) await new Promise((r) => setTimeout(r, 50));
  console.log(`background recheck after open from sidecars: ${((performance.now() - t5) / 1000).toFixed(1)} s, intact: ${store.integrity().ok}`);
  await store.close();
}

if (!values.dir) await fs.rm(scratch, { recursive: true, force: true });
