// The embedded store: durable appends with group commit, checkpoints, segment rolling, torn-tail
// quarantine, a broken chain reported but not erased, and the reviewer filters.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { openLineageStore, type EmbeddedStoreOptions } from './embedded-store.ts';
import { GENESIS_HASH, type LineageEntry } from './record.ts';
import { sampleEntry } from './sample-entries.ts';
import { CHECKPOINTS_FILE, QUARANTINE_DIR, segmentFileName } from './segment-files.ts';
import type { LineageStore } from './store.ts';
import { generateTestKeys, silentLog, type TestKeys } from './test-keys.ts';
import { verifyLineage } from './verify.ts';

let keys: TestKeys;
const open: LineageStore[] = [];
beforeAll(async () => {
  keys = await generateTestKeys();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close().catch(() => undefined)));
});

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-'));
async function openStore(dir: string, options: Partial<EmbeddedStoreOptions> = {}): Promise<LineageStore> {
  const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog, ...options });
  open.push(store);
  return store;
}
const appendMany = async (store: LineageStore, n: number, from = 0) => {
  const records = [];
  for (let i = from; i < from + n; i++) records.push(await store.append(sampleEntry(i)));
  return records;
};
const expectCode = async (p: Promise<unknown>, code: string) => {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
};

describe('appending', () => {
  it('chains each record to the one before it and verifies intact', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const [first, second, third] = await appendMany(store, 3);
    expect(first!.seq).toBe(1);
    expect(first!.prev).toBe(GENESIS_HASH);
    expect(second!.prev).toBe(first!.hash);
    expect(third!.prev).toBe(second!.hash);
    expect(store.head()).toEqual({ count: 3, hash: third!.hash });
    const report = await store.verify();
    expect(report).toMatchObject({ ok: true, count: 3, head: third!.hash });
    expect(await store.get(second!.id)).toEqual(second);
  });

  it('writes each record as one canonical JSON line, durable when append resolves', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const record = await store.append(sampleEntry(1));
    const text = await fs.readFile(path.join(dir, segmentFileName(1)), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text.trim())).toEqual(record);
  });

  it('keeps call order and an intact chain under 200 concurrent appends (group commit)', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const records = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(sampleEntry(i))));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(records.map((r) => r.subject)).toEqual(Array.from({ length: 200 }, (_, i) => sampleEntry(i).subject));
    for (let i = 1; i < records.length; i++) expect(records[i]!.prev).toBe(records[i - 1]!.hash);
    expect(await store.verify()).toMatchObject({ ok: true, count: 200 });
  });

  it('refuses an entry that does not match the record schema and keeps the chain going', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const bad = { ...sampleEntry(0), timings: { totalMs: Number.POSITIVE_INFINITY } } as LineageEntry;
    const extra = { ...sampleEntry(0), secret: 'x' } as LineageEntry;
    await expectCode(store.append(bad), 'INTERNAL');
    await expectCode(store.append(extra), 'INTERNAL');
    const next = await store.append(sampleEntry(1));
    expect(next.seq).toBe(1);
    expect(await store.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('records SQL with a lone surrogate (replaced by U+FFFD) instead of failing to record the attempt', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const entry = sampleEntry(3);
    const record = await store.append({ ...entry, request: { ...entry.request, sql: 'SELECT 1 -- \ud800' } });
    expect(record.request.sql).toBe('SELECT 1 -- \ufffd');
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('refuses appends once closed', async () => {
    const store = await openStore(await tempDir());
    await store.close();
    await expectCode(store.append(sampleEntry(0)), 'UNAVAILABLE');
  });
});

describe('checkpoints and segments', () => {
  it('signs a checkpoint every N records and on close, each verifiable with the public key', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { checkpointEvery: 10 });
    await appendMany(store, 25);
    await store.close();
    const lines = (await fs.readFile(path.join(dir, CHECKPOINTS_FILE), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { count: number }).count)).toEqual([10, 20, 25]);
    const report = await verifyLineage({ dir, publicJwk: keys.publicJwk });
    expect(report).toMatchObject({ ok: true, count: 25, checkpoints: { count: 3, verified: 3 } });
  });

  it('rolls to a new segment at the record limit and keeps one chain across segments', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { segmentMaxRecords: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(sampleEntry(i))));
    await appendMany(store, 3, 10);
    await store.close();
    const names = (await fs.readdir(dir)).filter((n) => n.startsWith('segment-')).sort();
    expect(names).toEqual([1, 2, 3, 4].map(segmentFileName));
    const reopened = await openStore(dir, { segmentMaxRecords: 4 });
    expect(reopened.head().count).toBe(13);
    const next = await reopened.append(sampleEntry(99));
    expect(next.seq).toBe(14);
    expect(await reopened.verify()).toMatchObject({ ok: true, count: 14 });
  });

  it('rolls to a new segment at the byte limit', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { segmentMaxBytes: 4096 });
    await appendMany(store, 6);
    await store.close();
    const sizes = await Promise.all(
      (await fs.readdir(dir)).filter((n) => n.startsWith('segment-')).map(async (n) => (await fs.stat(path.join(dir, n))).size),
    );
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(4096);
    expect(await verifyLineage({ dir, publicJwk: keys.publicJwk })).toMatchObject({ ok: true, count: 6 });
  });
});

describe('opening a folder after a crash', () => {
  it('moves a torn last record to quarantine, truncates to the last whole record, and verifies', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    const written = await appendMany(store, 5);
    await store.close();
    const segment = path.join(dir, segmentFileName(1));
    const torn = (await fs.readFile(segment, 'utf8')).split('\n')[2]!.slice(0, 300);
    await fs.appendFile(segment, torn);

    const reopened = await openStore(dir);
    const integrity = reopened.integrity();
    expect(integrity.ok).toBe(true);
    expect(integrity.quarantined).toHaveLength(1);
    const kept = await fs.readFile(path.join(dir, QUARANTINE_DIR, integrity.quarantined[0]!), 'utf8');
    expect(kept).toBe(torn);
    expect(reopened.head()).toEqual({ count: 5, hash: written[4]!.hash });
    expect((await reopened.append(sampleEntry(5))).seq).toBe(6);
    expect(await reopened.verify()).toMatchObject({ ok: true, count: 6 });
  });

  it('treats a whole but unparsable last line as torn as well', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await appendMany(store, 2);
    await store.close();
    await fs.appendFile(path.join(dir, segmentFileName(1)), '{"not":"a record"}\n');
    const reopened = await openStore(dir);
    expect(reopened.integrity()).toMatchObject({ ok: true });
    expect(reopened.integrity().quarantined).toHaveLength(1);
    expect(reopened.head().count).toBe(2);
  });

  it('moves a torn checkpoint line to quarantine and keeps the checkpoints before it', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { checkpointEvery: 2 });
    await appendMany(store, 4);
    await store.close();
    await fs.appendFile(path.join(dir, CHECKPOINTS_FILE), '{"count":4,"head":"ab');
    const reopened = await openStore(dir);
    expect(reopened.integrity()).toMatchObject({ ok: true });
    expect(reopened.integrity().quarantined).toHaveLength(1);
    expect(await reopened.verify()).toMatchObject({ ok: true, checkpoints: { count: 2, verified: 2 } });
  });

  it('opens a log broken in the middle, reports it, keeps the evidence, and appends after the last record', async () => {
    const dir = await tempDir();
    const store = await openStore(dir);
    await appendMany(store, 5);
    await store.close();
    const segment = path.join(dir, segmentFileName(1));
    const lines = (await fs.readFile(segment, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"dev-', '"DEV-');
    const tampered = lines.join('\n');
    await fs.writeFile(segment, tampered);

    const reopened = await openStore(dir);
    expect(reopened.integrity()).toMatchObject({ ok: false, firstBad: { seq: 3, reason: 'hash_mismatch' } });
    const next = await reopened.append(sampleEntry(5));
    expect(next.seq).toBe(6);
    expect((await fs.readFile(segment, 'utf8')).startsWith(tampered)).toBe(true);
    expect(await reopened.verify()).toMatchObject({ ok: false, count: 6, firstBad: { seq: 3 } });
  });
});

describe('the reviewer index', () => {
  let store: LineageStore;
  let all: Awaited<ReturnType<typeof appendMany>>;
  beforeAll(async () => {
    keys ??= await generateTestKeys();
    const dir = await tempDir();
    const writer = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
    all = await appendMany(writer, 40);
    await writer.close();
    // The index is rebuilt from the segments on open.
    store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
  });
  afterAll(() => store.close());
  const listAll = async (filter: Parameters<LineageStore['list']>[0]) => (await store.list(filter, { limit: 1000 })).records;
  const expected = (pred: (r: (typeof all)[number]) => boolean) => all.filter(pred).map((r) => r.seq).reverse();

  it.each([
    { name: 'subject', filter: { subject: 'dev-3' }, pred: (r: (typeof all)[number]) => r.subject === 'dev-3' },
    { name: 'org', filter: { org: 'qiqihar-university' }, pred: (r: (typeof all)[number]) => r.org === 'qiqihar-university' },
    { name: 'dataset', filter: { dataset: 'health' }, pred: (r: (typeof all)[number]) => r.inputs.some((c) => c.dataset === 'health') },
    { name: 'table (qualified)', filter: { table: 'transit.card_trips' }, pred: (r: (typeof all)[number]) => r.inputs.some((c) => c.table === 'card_trips') },
    { name: 'table (bare)', filter: { table: 'residents' }, pred: (r: (typeof all)[number]) => r.inputs.some((c) => c.table === 'residents') },
    { name: 'column (qualified)', filter: { column: 'population.residents.phone' }, pred: (r: (typeof all)[number]) => r.inputs.some((c) => c.column === 'phone') },
    { name: 'column (bare)', filter: { column: 'id_card' }, pred: (r: (typeof all)[number]) => r.inputs.some((c) => c.column === 'id_card') },
    { name: 'decision', filter: { decision: 'deny' as const }, pred: (r: (typeof all)[number]) => r.decision.effect === 'deny' },
    { name: 'code', filter: { code: 'POLICY_DENIED' }, pred: (r: (typeof all)[number]) => r.decision.code === 'POLICY_DENIED' },
    { name: 'several at once', filter: { subject: 'dev-3', decision: 'allow' as const }, pred: (r: (typeof all)[number]) => r.subject === 'dev-3' && r.decision.effect === 'allow' },
  ])('filters by $name, newest first', async ({ filter, pred }) => {
    const want = expected(pred);
    expect(want.length).toBeGreaterThan(0);
    expect((await listAll(filter)).map((r) => r.seq)).toEqual(want);
  });

  it('filters by a time range, from inclusive and to exclusive', async () => {
    const from = all[10]!.time;
    const to = all[30]!.time;
    const got = (await listAll({ from, to })).map((r) => r.seq);
    expect(got).toEqual(expected((r) => r.time >= from && r.time < to));
  });

  it('pages newest first with an opaque cursor until the last page', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({}, { limit: 7, ...(cursor ? { cursor } : {}) });
      expect(page.records.length).toBeLessThanOrEqual(7);
      seen.push(...page.records.map((r) => r.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => 40 - i));
  });

  it('returns undefined for an unknown id', async () => {
    expect(await store.get('00000000-0000-7000-8000-000000000000')).toBeUndefined();
  });

  it.each([
    { name: 'a cursor it did not issue', options: { limit: 5, cursor: 'abc' } },
    { name: 'a limit over 1000', options: { limit: 1001 } },
    { name: 'a limit of 0', options: { limit: 0 } },
  ])('refuses $name', async ({ options }) => {
    await expectCode(store.list({}, options), 'BAD_REQUEST');
  });

  it('refuses a time range that is not ISO 8601', async () => {
    await expectCode(store.list({ from: 'yesterday' }, { limit: 5 }), 'BAD_REQUEST');
  });
});
