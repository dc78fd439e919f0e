// Child process for the crash test: appends in concurrent loops until it is killed, printing each
// record's id on stdout only after its append resolved (that is, after its fsync).
import fs from 'node:fs/promises';
import { importJWK, type JWK } from 'jose';
import { openLineageStore } from './embedded-store.ts';
import { sampleEntry } from './sample-entries.ts';
import { silentLog } from './test-keys.ts';

const [dir, keyFile] = process.argv.slice(2);
if (!dir || !keyFile) throw new Error('usage: crash-appender.fixture.ts DIR PRIVATE_JWK_FILE');
const privateJwk = JSON.parse(await fs.readFile(keyFile, 'utf8')) as JWK;
const { d: _d, ...publicJwk } = privateJwk;
const store = await openLineageStore({
  dir,
  signer: { kid: privateJwk.kid ?? 'test', privateKey: (await importJWK(privateJwk, 'EdDSA')) as CryptoKey },
  publicJwk,
  checkpointEvery: 50,
  log: silentLog,
});

let i = 0;
const loop = async () => {
  for (;;) {
    const record = await store.append(sampleEntry(i++));
    process.stdout.write(`${record.id}\n`);
  }
};
await Promise.all(Array.from({ length: 8 }, loop));
