// Sidecars of sealed segments, through the real store on real folders: used when they check out, replaced when
// they are damaged, truncated, missing or do not match their segment, never a way to hide tampering from
// verification, and never a change in what the reviewer filters answer.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sealRecord } from './canonical-hash.ts';
import { signCheckpoint } from './checkpoint.ts';
import { openLineageStore, type EmbeddedStoreOptions } from './embedded-store.ts';
import type { LineageRecord } from './record.ts';
import { sampleEntry } from './sample-entries.ts';
import { CHECKPOINTS_FILE, segmentFileName, sidecarFileName } from './segment-files.ts';
import { decodeSidecar, encodeSidecar, readSidecar } from './segment-sidecar.ts';
import type { LineageFilter, LineageLog, LineageStore } from './store.ts';
import { generateTestKeys, type TestKeys } from './test-keys.ts';

let keys: TestKeys;
const open: LineageStore[] = [];
beforeAll(async () => {
  keys = await generateTestKeys();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
});

/** The store's log, kept: how many sealed segments it says it opened from sidecars, and its warnings. */
function recordingLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const log: LineageLog = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
  const opened = () => lines.find((l) => l.message === 'lineage log opened')?.fields;
  return { log, lines, fromSidecars: () => opened()?.fromSidecars };
}

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-sidecar-'));
async function openStore(dir: string, options: Partial<EmbeddedStoreOptions> = {}) {
  const recorded = recordingLog();
  const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, segmentMaxRecords: 4, log: recorded.log, ...options });
  open.push(store);
  return { store, ...recorded };
}

/** A closed log of 13 records in segments of 4: three sealed segments with sidecars, and the active one. */
async function logOf13(): Promise<{ dir: string; records: LineageRecord[] }> {
  const dir = await tempDir();
  const { store } = await openStore(dir, { checkpointEvery: 3 });
  const records: LineageRecord[] = [];
  for (let i = 0; i < 13; i++) records.push(await store.append(sampleEntry(i)));
  await store.close();
  return { dir, records };
}

const sidecarPath = (dir: string, n: number) => path.join(dir, sidecarFileName(n));

/** What an insider who knows the format does after editing a segment: makes its sidecar agree with the file again. */
async function resyncSidecar(dir: string, n: number, lastHash?: string): Promise<void> {
  const sidecar = (await readSidecar(dir, n))!;
  const { size, mtimeMs } = await fs.stat(path.join(dir, segmentFileName(n)));
  const hashes = Buffer.from(sidecar.hashes);
  if (lastHash) hashes.write(lastHash, hashes.length - 32, 'hex');
  await fs.writeFile(sidecarPath(dir, n), encodeSidecar({ ...sidecar, bytes: size, mtimeMs, hashes, ...(lastHash ? { lastHash } : {}) }));
}

/** Reopens, closes (which waits for the sidecar writes), and reopens again. */
async function reopenTwice(dir: string) {
  const first = await openStore(dir);
  const fromSidecarsFirst = first.fromSidecars();
  await first.store.close();
  const second = await openStore(dir);
  return { first, fromSidecarsFirst, second };
}

describe('the sidecar file', () => {
  it('decodes to what was encoded', async () => {
    const { dir } = await logOf13();
    const sidecar = (await readSidecar(dir, 2))!;
    expect(decodeSidecar(encodeSidecar(sidecar))).toEqual(sidecar);
  });

  it('is refused with any byte changed, cut short, or extended', async () => {
    const { dir } = await logOf13();
    const buf = await fs.readFile(sidecarPath(dir, 2));
    for (let i = 0; i < buf.length; i += 13) {
      const copy = Buffer.from(buf);
      copy[i]! ^= 0x20;
      expect(decodeSidecar(copy)).toBeUndefined();
    }
    expect(decodeSidecar(buf.subarray(0, buf.length - 1))).toBeUndefined();
    expect(decodeSidecar(Buffer.concat([buf, Buffer.from([0])]))).toBeUndefined();
  });

  it('is refused when its own hash checks out but its contents disagree with each other', async () => {
    const { dir } = await logOf13();
    const sidecar = (await readSidecar(dir, 2))!;
    const rehashed = (s: Parameters<typeof encodeSidecar>[0], edit: (body: Buffer) => void = () => undefined) => {
      const body = encodeSidecar(s).subarray(0, -32);
      edit(body);
      return Buffer.concat([body, createHash('sha256').update(body).digest()]);
    };
    expect(decodeSidecar(rehashed(sidecar))).toEqual(sidecar);
    expect(decodeSidecar(rehashed({ ...sidecar, lastHash: 'f'.repeat(64) }))).toBeUndefined();
    expect(decodeSidecar(rehashed({ ...sidecar, bytes: sidecar.bytes + 1 }))).toBeUndefined();
    expect(decodeSidecar(rehashed({ ...sidecar, entries: { ...sidecar.entries, segment: new Uint32Array(4).fill(3) } }))).toBeUndefined();
    expect(decodeSidecar(rehashed({ ...sidecar, entries: { ...sidecar.entries, subject: new Uint32Array(4).fill(99) } }))).toBeUndefined();
  });
});

describe('opening from sidecars', () => {
  it('writes a sidecar for each sealed segment and none for the active one', async () => {
    const { dir } = await logOf13();
    for (const n of [1, 2, 3]) expect(await readSidecar(dir, n)).toMatchObject({ segment: n, firstSeq: (n - 1) * 4 + 1, entries: { count: 4 } });
    await expect(fs.access(sidecarPath(dir, 4))).rejects.toThrow();
  });

  it('opens every sealed segment from its sidecar when they check out, with the same head and an intact chain', async () => {
    const { dir, records } = await logOf13();
    const { store, fromSidecars } = await openStore(dir);
    expect(fromSidecars()).toBe(3);
    expect(store.head()).toEqual({ count: 13, hash: records[12]!.hash });
    expect(store.integrity()).toMatchObject({ ok: true });
    const next = await store.append(sampleEntry(13));
    expect(next).toMatchObject({ seq: 14, prev: records[12]!.hash });
    expect(await store.verify()).toMatchObject({ ok: true, count: 14 });
    for (const r of records) expect(await store.get(r.id)).toEqual(r);
  });

  it.each([
    ['damaged', async (file: string) => {
      const buf = await fs.readFile(file);
      buf[Math.floor(buf.length / 2)]! ^= 0x01;
      await fs.writeFile(file, buf);
    }],
    ['truncated', async (file: string) => fs.truncate(file, (await fs.stat(file)).size - 7)],
    ['missing', async (file: string) => fs.rm(file)],
    ['empty', async (file: string) => fs.writeFile(file, '')],
  ])('reads a segment whose sidecar is %s, then writes it anew', async (_, spoil) => {
    const { dir, records } = await logOf13();
    const good = await fs.readFile(sidecarPath(dir, 2));
    await spoil(sidecarPath(dir, 2));
    const { first, fromSidecarsFirst, second } = await reopenTwice(dir);
    expect(fromSidecarsFirst).toBe(2);
    expect(first.store.integrity()).toMatchObject({ ok: true });
    expect(second.fromSidecars()).toBe(3);
    expect(second.store.head()).toEqual({ count: 13, hash: records[12]!.hash });
    // The rewritten sidecar holds the same entries (its mtime field is the segment's, unchanged).
    expect(decodeSidecar(await fs.readFile(sidecarPath(dir, 2)))).toEqual(decodeSidecar(good));
  });

  it('reads a segment whose sidecar belongs to another segment, and replaces it', async () => {
    const { dir } = await logOf13();
    await fs.copyFile(sidecarPath(dir, 1), sidecarPath(dir, 2));
    const { fromSidecarsFirst, second } = await reopenTwice(dir);
    expect(fromSidecarsFirst).toBe(2);
    expect(second.fromSidecars()).toBe(3);
  });

  it('reads a segment that was modified after its sidecar was written (mtime), and replaces the sidecar', async () => {
    const { dir } = await logOf13();
    const segment = path.join(dir, segmentFileName(3));
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(segment, later, later);
    const { first, fromSidecarsFirst, second } = await reopenTwice(dir);
    expect(fromSidecarsFirst).toBe(2);
    expect(first.lines.some((l) => l.level === 'warn' && l.fields?.segment === 3)).toBe(true);
    expect(second.fromSidecars()).toBe(3);
  });

  it('reads a segment whose sidecar does not link to the chain before it (a sidecar of another log)', async () => {
    const { dir } = await logOf13();
    const other = await logOf13();
    await fs.copyFile(sidecarPath(other.dir, 2), sidecarPath(dir, 2));
    // The other log's segment 2 has another length or time: make the sidecar claim this segment's, so that
    // only the chain link (its first prev, its ends) can tell it apart.
    const mine = (await readSidecar(dir, 1))!;
    const theirs = (await readSidecar(dir, 2))!;
    const stat = await fs.stat(path.join(dir, segmentFileName(2)));
    await fs.writeFile(sidecarPath(dir, 2), encodeSidecar({ ...theirs, bytes: stat.size, mtimeMs: stat.mtimeMs, entries: { ...theirs.entries } }));
    expect(mine.lastHash).not.toBe((await readSidecar(dir, 2))!.firstPrev);
    const { first, fromSidecarsFirst } = await reopenTwice(dir);
    expect(fromSidecarsFirst).toBeLessThan(3);
    expect(first.store.integrity()).toMatchObject({ ok: true });
  });

  it('ignores a sidecar of the active segment (the last segment is always read)', async () => {
    const { dir, records } = await logOf13();
    await fs.copyFile(sidecarPath(dir, 3), sidecarPath(dir, 4));
    const { store, fromSidecars } = await openStore(dir);
    expect(fromSidecars()).toBe(3);
    expect(store.head()).toEqual({ count: 13, hash: records[12]!.hash });
  });

  it('removes temporary files a crash left behind during a sidecar write', async () => {
    const { dir } = await logOf13();
    const leftover = `${sidecarPath(dir, 1)}.0123456789ab.tmp`;
    await fs.writeFile(leftover, 'partial');
    await openStore(dir);
    await expect(fs.access(leftover)).rejects.toThrow();
  });
});

describe('tamper detection with sidecars', () => {
  it('still catches an edit inside a sealed segment that keeps its length and time: verify, and the background recheck', async () => {
    const { dir, records } = await logOf13();
    const segment = path.join(dir, segmentFileName(2));
    const text = await fs.readFile(segment, 'utf8');
    // Record 6 (the middle of segment 2, neither of its ends): one digit of its totalMs changed.
    const lines = text.split('\n');
    lines[1] = lines[1]!.replace('"totalMs":20.25', '"totalMs":20.26');
    expect(lines.join('\n')).not.toBe(text);
    await fs.writeFile(segment, lines.join('\n'));
    await resyncSidecar(dir, 2);

    const { store, fromSidecars, lines: logged } = await openStore(dir);
    expect(fromSidecars()).toBe(3);
    expect(await store.verify()).toMatchObject({ ok: false, firstBad: { seq: 6, id: records[5]!.id, reason: 'hash_mismatch' } });
    // The background recheck finds it too, and integrity() (what /healthz reports) turns not ok.
    await vi.waitFor(() => expect(store.integrity()).toMatchObject({ ok: false, firstBad: { seq: 6, reason: 'hash_mismatch' } }), { timeout: 10_000, interval: 20 });
    expect(logged.some((l) => l.level === 'error')).toBe(true);
  });

  it('reports the earlier break when the recheck finds one before a break open found in the active segment', async () => {
    const { dir } = await logOf13();
    const sealed = path.join(dir, segmentFileName(2));
    const lines = (await fs.readFile(sealed, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"totalMs":20.25', '"totalMs":20.26');
    await fs.writeFile(sealed, lines.join('\n'));
    await resyncSidecar(dir, 2);
    const active = path.join(dir, segmentFileName(4));
    await fs.writeFile(active, `not a record\n${await fs.readFile(active, 'utf8')}`);
    const { store, fromSidecars } = await openStore(dir);
    expect(fromSidecars()).toBe(3);
    expect(store.integrity()).toMatchObject({ ok: false, firstBad: { seq: 13, reason: 'malformed' } });
    await vi.waitFor(() => expect(store.integrity()).toMatchObject({ ok: false, firstBad: { seq: 6, reason: 'hash_mismatch' } }), { timeout: 10_000, interval: 20 });
  });

  it('checks signed checkpoints inside a segment opened from its sidecar at open', async () => {
    const { dir, records } = await logOf13();
    // A validly signed checkpoint whose head is not the chain's at its count: a rewritten history.
    const forged = await signCheckpoint({ count: 5, head: records[6]!.hash, time: records[4]!.time }, keys.signer);
    await fs.appendFile(path.join(dir, CHECKPOINTS_FILE), `${forged}\n`);
    const { store, fromSidecars } = await openStore(dir);
    expect(fromSidecars()).toBe(3);
    expect(store.integrity()).toMatchObject({ ok: false, firstBad: { seq: 5, reason: 'checkpoint_mismatch' } });
  });

  it.each([
    ['left as it was', false],
    ['made to agree', true],
  ])('reports at open a re-sealed last record of a sealed segment, its sidecar %s', async (_, agree) => {
    const { dir, records } = await logOf13();
    const segment = path.join(dir, segmentFileName(1));
    const lines = (await fs.readFile(segment, 'utf8')).split('\n');
    // Record 4 re-sealed with another subject of the same length: it hashes to itself; its link to record 5 breaks.
    const { hash: _hash, ...unsealed } = records[3]!;
    const resealed = sealRecord({ ...unsealed, subject: unsealed.subject.replace(/.$/, 'x') });
    expect(resealed.line).toHaveLength(lines[3]!.length);
    lines[3] = resealed.line;
    await fs.writeFile(segment, lines.join('\n'));
    await resyncSidecar(dir, 1, agree ? resealed.record.hash : undefined);
    const { store } = await openStore(dir);
    expect(store.integrity()).toMatchObject({ ok: false, firstBad: { seq: 5, reason: 'prev_mismatch' } });
  });
});

describe('the reviewer filters with and without sidecars', () => {
  it('answers every filter and page identically', async () => {
    const dir = await tempDir();
    const { store } = await openStore(dir, { segmentMaxRecords: 16 });
    const records = await Promise.all(Array.from({ length: 150 }, (_, i) => store.append(sampleEntry(i))));
    await store.close();

    const filters: LineageFilter[] = [
      {},
      { subject: 'dev-3' },
      { org: 'qiqihar-university' },
      { dataset: 'health' },
      { table: 'utilities.heating_bills' },
      { column: 'card_no' },
      { decision: 'deny', code: 'POLICY_DENIED' },
      { kind: 'query', dataset: 'population', subject: 'dev-1' },
      { from: records[40]!.time, to: records[90]!.time },
      { subject: 'nobody' },
    ];
    const everything = async (s: LineageStore) => {
      const out: string[][] = [];
      for (const f of filters) {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await s.list(f, { limit: 7, ...(cursor ? { cursor } : {}) });
          ids.push(...page.records.map((r) => r.id));
          cursor = page.nextCursor;
        } while (cursor);
        out.push(ids);
      }
      return out;
    };

    const withSidecars = await openStore(dir, { segmentMaxRecords: 16 });
    expect(withSidecars.fromSidecars()).toBe(9);
    const a = await everything(withSidecars.store);
    const charges = [...withSidecars.store.epsilonCharges!()];
    await withSidecars.store.close();
    for (const name of await fs.readdir(dir)) if (name.endsWith('.idx')) await fs.rm(path.join(dir, name));
    const without = await openStore(dir, { segmentMaxRecords: 16 });
    expect(without.fromSidecars()).toBe(0);
    expect(await everything(without.store)).toEqual(a);
    expect([...without.store.epsilonCharges!()]).toEqual(charges);
    expect(a[0]).toHaveLength(150);
    expect(a.slice(1).every((ids) => ids.length < 150)).toBe(true);
    expect(a.slice(1, -1).every((ids) => ids.length > 0)).toBe(true);
    expect(charges.length).toBeGreaterThan(0);
  });
});
