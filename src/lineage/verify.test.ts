// Offline verification against tampering: each test damages a copy of an intact folder the way an
// insider might, and verification must fail naming the first bad record.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sealRecord } from './canonical-hash.ts';
import { signCheckpoint } from './checkpoint.ts';
import { openLineageStore } from './embedded-store.ts';
import type { LineageRecord } from './record.ts';
import { sampleEntry } from './sample-entries.ts';
import { CHECKPOINTS_FILE, segmentFileName } from './segment-files.ts';
import { generateTestKeys, silentLog, type TestKeys } from './test-keys.ts';
import { verifyLineage } from './verify.ts';

let keys: TestKeys;
let original: string;
let records: LineageRecord[];

beforeAll(async () => {
  keys = await generateTestKeys();
  original = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-verify-'));
  const store = await openLineageStore({ dir: original, signer: keys.signer, publicJwk: keys.publicJwk, checkpointEvery: 10, log: silentLog });
  records = [];
  for (let i = 0; i < 30; i++) records.push(await store.append(sampleEntry(i)));
  await store.close();
});

/** A copy of the intact folder and its one segment's lines, to damage. */
async function copy(): Promise<{ dir: string; segment: string; lines: string[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-tamper-'));
  await fs.cp(original, dir, { recursive: true });
  const segment = path.join(dir, segmentFileName(1));
  const lines = (await fs.readFile(segment, 'utf8')).split('\n').slice(0, -1);
  return { dir, segment, lines };
}
const writeLines = (file: string, lines: string[]) => fs.writeFile(file, `${lines.join('\n')}\n`);
const verify = (dir: string) => verifyLineage({ dir, publicJwk: keys.publicJwk });

describe('an intact log', () => {
  it('verifies with the public key alone, every checkpoint included', async () => {
    const { dir } = await copy();
    expect(await verify(dir)).toEqual({ ok: true, count: 30, head: records[29]!.hash, checkpoints: { count: 3, verified: 3 } });
  });

  it('verifies with a JWKS holding the key', async () => {
    const { dir } = await copy();
    expect(await verifyLineage({ dir, publicJwk: { keys: [keys.publicJwk] } })).toMatchObject({ ok: true, count: 30 });
  });

  it('verifies an empty folder as an empty chain', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-empty-'));
    expect(await verify(dir)).toMatchObject({ ok: true, count: 0, head: '0'.repeat(64) });
  });
});

describe('a tampered log', () => {
  it('fails naming the record whose byte was edited', async () => {
    const { dir, segment } = await copy();
    const buf = await fs.readFile(segment);
    const line7 = buf.indexOf(records[6]!.id);
    const at = buf.indexOf('SELECT', line7 > 0 ? buf.lastIndexOf('\n', line7) : 0);
    buf[at + 1] = 'e'.charCodeAt(0); // SELECT -> SeLECT: still valid JSON, different content
    await fs.writeFile(segment, buf);
    expect((await verify(dir)).firstBad).toEqual({ seq: 7, id: records[6]!.id, reason: 'hash_mismatch' });
  });

  it('fails naming the record where a byte edit broke the JSON', async () => {
    const { dir, segment, lines } = await copy();
    lines[11] = `${lines[11]!.slice(0, 40)}\u0000${lines[11]!.slice(41)}`;
    await writeLines(segment, lines);
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.firstBad?.seq).toBe(12);
  });

  it('fails naming the position of a deleted record', async () => {
    const { dir, segment, lines } = await copy();
    lines.splice(11, 1);
    await writeLines(segment, lines);
    expect((await verify(dir)).firstBad).toEqual({ seq: 12, id: records[12]!.id, reason: 'seq_mismatch' });
  });

  it('fails naming an inserted record that does not carry a valid hash', async () => {
    const { dir, segment, lines } = await copy();
    const forged = lines[12]!.replace('"dev-', '"forged-');
    expect(forged).not.toBe(lines[12]);
    lines.splice(14, 0, forged);
    await writeLines(segment, lines);
    expect((await verify(dir)).firstBad).toMatchObject({ seq: 15, reason: 'hash_mismatch' });
  });

  it('fails at the first record whose link breaks when the inserted record is itself well chained', async () => {
    const { dir, segment, lines } = await copy();
    const { line } = sealRecord({ ...sampleEntry(999), id: records[14]!.id, seq: 15, time: records[14]!.time, prev: records[13]!.hash });
    lines.splice(14, 0, line);
    await writeLines(segment, lines);
    expect((await verify(dir)).firstBad).toEqual({ seq: 16, id: records[14]!.id, reason: 'seq_mismatch' });
  });

  it('fails naming the first of two swapped records', async () => {
    const { dir, segment, lines } = await copy();
    [lines[19], lines[20]] = [lines[20]!, lines[19]!];
    await writeLines(segment, lines);
    expect((await verify(dir)).firstBad).toEqual({ seq: 20, id: records[20]!.id, reason: 'seq_mismatch' });
  });

  it('fails naming the record a file was truncated in', async () => {
    const { dir, segment, lines } = await copy();
    await fs.writeFile(segment, `${lines.slice(0, 24).join('\n')}\n${lines[24]!.slice(0, 500)}`);
    expect((await verify(dir)).firstBad).toEqual({ seq: 25, reason: 'torn_tail' });
  });

  it('fails when whole records were cut from the end past a signed checkpoint', async () => {
    const { dir, segment, lines } = await copy();
    await writeLines(segment, lines.slice(0, 25));
    expect((await verify(dir)).firstBad).toEqual({ seq: 26, reason: 'checkpoint_beyond_chain' });
  });

  it('fails at the first checkpoint when the chain was consistently rewritten from a record on', async () => {
    const { dir, segment, lines } = await copy();
    // An insider with write access re-seals records 5..30 so that every hash and link is consistent again.
    let prev = records[3]!.hash;
    for (let i = 4; i < 30; i++) {
      const { hash: _hash, ...rest } = records[i]!;
      const { record, line } = sealRecord({ ...rest, subject: 'someone-else', prev });
      lines[i] = line;
      prev = record.hash;
    }
    await writeLines(segment, lines);
    expect((await verify(dir)).firstBad).toEqual({ seq: 10, reason: 'checkpoint_mismatch' });
  });

  it('fails on a checkpoint signed with another key', async () => {
    const { dir } = await copy();
    const other = await generateTestKeys('test-lineage-key');
    const forged = await signCheckpoint({ count: 30, head: records[29]!.hash, time: new Date().toISOString() }, other.signer);
    await fs.appendFile(path.join(dir, CHECKPOINTS_FILE), `${forged}\n`);
    expect(await verify(dir)).toMatchObject({ ok: false, firstBad: { seq: 30, reason: 'checkpoint_signature' } });
  });

  it('fails on a checkpoint whose clear copy does not say what was signed', async () => {
    const { dir } = await copy();
    const file = path.join(dir, CHECKPOINTS_FILE);
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    const first = JSON.parse(lines[0]!) as { count: number };
    lines[0] = JSON.stringify({ ...first, count: 11 });
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    expect(await verify(dir)).toMatchObject({ ok: false, firstBad: { seq: 10, reason: 'checkpoint_signature' } });
  });
});
