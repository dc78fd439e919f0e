// The store's list of signed checkpoints, which the reviewers' console uses to show the checkpoint that
// covers a record: only durable checkpoints whose signatures verify, and none signed with another key.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLineageStore } from './embedded-store.ts';
import { checkpointsAround } from './nearest-checkpoint.ts';
import { sampleEntry } from './sample-entries.ts';
import { generateTestKeys, silentLog, type TestKeys } from './test-keys.ts';

let keys: TestKeys;
beforeAll(async () => {
  keys = await generateTestKeys();
});
const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-cp-'));

describe('LineageStore.checkpoints', () => {
  it('lists every signed checkpoint with the head it signed, so a record can be matched to the one covering it', async () => {
    const dir = await tempDir();
    const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog, checkpointEvery: 4 });
    const records = [];
    for (let i = 0; i < 10; i++) records.push(await store.append(sampleEntry(i)));
    const checkpoints = await store.checkpoints();
    expect(checkpoints.map((c) => c.count)).toEqual([4, 8]);
    expect(checkpoints[0]!.head).toBe(records[3]!.hash);
    expect(checkpointsAround(checkpoints, records[5]!.seq).covering?.count).toBe(8);
    expect(checkpointsAround(checkpoints, records[9]!.seq).covering).toBeUndefined();
    await store.checkpoint();
    expect((await store.checkpoints()).map((c) => c.count)).toEqual([4, 8, 10]);
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('leaves out checkpoints that do not verify with the store key', async () => {
    const dir = await tempDir();
    const other = await generateTestKeys('another-key');
    const first = await openLineageStore({ dir, signer: other.signer, publicJwk: other.publicJwk, log: silentLog, checkpointEvery: 2 });
    for (let i = 0; i < 2; i++) await first.append(sampleEntry(i));
    await first.close();
    const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog, checkpointEvery: 0 });
    await store.append(sampleEntry(3));
    await store.checkpoint();
    expect((await store.checkpoints()).map((c) => c.count)).toEqual([3]);
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
});
