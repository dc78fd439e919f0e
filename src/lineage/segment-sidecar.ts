// The sidecar of a sealed segment (seg-NNNNNN.idx): what opening the store needs from that segment (its
// reviewer-index entries, its records' hashes, its length and chain ends) so that a store opens without
// re-reading and re-parsing years of records. A cache, never a source of truth: self-hashed, written
// atomically, and anything about it that does not check out makes the store read the segment itself.
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type } from 'arktype';
import { SLICE_FLOAT_COLUMNS, SLICE_STRING_COLUMNS, SLICE_UINT_COLUMNS, type IndexSlice } from './reviewer-index.ts';
import { fsyncDirectory, sidecarFileName } from './segment-files.ts';

export interface SegmentSidecar {
  readonly segment: number;
  /** The segment file's length and modification time when it was sealed. */
  readonly bytes: number;
  readonly mtimeMs: number;
  /** Chain position of the segment's first record, and that record's `prev`. */
  readonly firstSeq: number;
  readonly firstPrev: string;
  /** The hash of the segment's last record: the next segment's first `prev`. */
  readonly lastHash: string;
  /** 32 bytes per record: every record's hash, for checking signed checkpoints at open. */
  readonly hashes: Uint8Array;
  readonly entries: IndexSlice;
}

const MAGIC = Buffer.from('DSBXIDX1');
const VERSION = 1;
const DIGEST = 32;
const hex64 = /^[0-9a-f]{64}$/;

const HeaderSchema = type({
  version: '1',
  endian: "'LE'",
  segment: 'number.integer >= 1',
  bytes: 'number.integer >= 1',
  mtimeMs: 'number >= 0',
  firstSeq: 'number.integer >= 1',
  firstPrev: hex64,
  lastHash: hex64,
  count: 'number.integer >= 1',
  strings: 'string[]',
  '+': 'reject',
});

/** Column order on disk: 8-byte columns first, so every column starts aligned to its element size. */
type Layout = { name: string; per: number }[];
const layout = (): Layout => [
  { name: 'ids', per: 16 },
  { name: 'hashes', per: 32 },
  ...SLICE_FLOAT_COLUMNS.map((name) => ({ name, per: 8 })),
  ...[...SLICE_STRING_COLUMNS, ...SLICE_UINT_COLUMNS].map((name) => ({ name, per: 4 })),
  { name: 'effect', per: 1 },
];

const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function encodeSidecar(s: SegmentSidecar): Buffer {
  const n = s.entries.count;
  const header = Buffer.from(
    JSON.stringify({
      version: VERSION,
      endian: 'LE',
      segment: s.segment,
      bytes: s.bytes,
      mtimeMs: s.mtimeMs,
      firstSeq: s.firstSeq,
      firstPrev: s.firstPrev,
      lastHash: s.lastHash,
      count: n,
      strings: s.entries.strings,
    }),
  );
  const start = align(MAGIC.length + 4 + header.length);
  const columns = { ...s.entries, hashes: s.hashes } as unknown as Record<string, ArrayBufferView>;
  const parts: Buffer[] = [MAGIC, u32(header.length), header, Buffer.alloc(start - MAGIC.length - 4 - header.length)];
  for (const { name, per } of layout()) {
    const column = bytesOf(columns[name]!);
    if (column.length !== n * per) throw new Error(`lineage sidecar: column ${name} has the wrong length`);
    parts.push(column);
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The sidecar in `buf`, or undefined when it is damaged, truncated, from another format or inconsistent. */
export function decodeSidecar(buf: Buffer): SegmentSidecar | undefined {
  if (os.endianness() !== 'LE' || buf.length < MAGIC.length + 4 + DIGEST) return undefined;
  const body = buf.subarray(0, buf.length - DIGEST);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - DIGEST))) return undefined;
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const headerLength = body.readUInt32LE(MAGIC.length);
  let header: typeof HeaderSchema.infer;
  try {
    const value: unknown = JSON.parse(body.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength));
    if (!HeaderSchema.allows(value)) return undefined;
    header = value as typeof HeaderSchema.infer;
  } catch {
    return undefined;
  }
  const n = header.count;
  let at = align(MAGIC.length + 4 + headerLength);
  const columns: Record<string, Uint8Array> = {};
  for (const { name, per } of layout()) {
    if (at + n * per > body.length) return undefined;
    // A copy: aligned for the typed array views, and independent of the file's buffer.
    columns[name] = new Uint8Array(body.subarray(at, at + n * per));
    at += n * per;
  }
  if (at !== body.length) return undefined;
  // Each column is its own copy starting at offset 0 of its own buffer, so it can be viewed as any width.
  const floats = (name: string): Float64Array => new Float64Array(columns[name]!.buffer);
  const uints = (name: string): Uint32Array => new Uint32Array(columns[name]!.buffer);
  const entries = {
    count: n,
    strings: header.strings,
    ids: columns.ids!,
    effect: columns.effect!,
    ...Object.fromEntries(SLICE_FLOAT_COLUMNS.map((c) => [c, floats(c)])),
    ...Object.fromEntries([...SLICE_STRING_COLUMNS, ...SLICE_UINT_COLUMNS].map((c) => [c, uints(c)])),
  } as unknown as IndexSlice;
  const hashes = columns.hashes!;
  // What open relies on must hold: every position a record of this segment, the last hash the last record's,
  // the last line ending where the segment ends, every string reference inside the table.
  if (bytesOf(hashes.subarray((n - 1) * 32)).toString('hex') !== header.lastHash) return undefined;
  for (let i = 0; i < n; i++) {
    if (entries.segment[i] !== header.segment || (entries.effect[i] !== 1 && entries.effect[i] !== 2)) return undefined;
    if (!(entries.offset[i]! + entries.length[i]! < header.bytes)) return undefined;
  }
  if (entries.offset[n - 1]! + entries.length[n - 1]! + 1 !== header.bytes) return undefined;
  for (const c of SLICE_STRING_COLUMNS) {
    const column = entries[c];
    for (let i = 0; i < n; i++) if (column[i]! > header.strings.length) return undefined;
  }
  return {
    segment: header.segment,
    bytes: header.bytes,
    mtimeMs: header.mtimeMs,
    firstSeq: header.firstSeq,
    firstPrev: header.firstPrev,
    lastHash: header.lastHash,
    hashes,
    entries,
  };
}

/** Writes the sidecar durably and atomically: a reader sees the old file, no file, or the whole new one. */
export async function writeSidecar(dir: string, sidecar: SegmentSidecar): Promise<void> {
  const file = path.join(dir, sidecarFileName(sidecar.segment));
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(encodeSidecar(sidecar));
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  await fs.rename(temp, file);
  await fsyncDirectory(dir);
}

/** The segment's sidecar, or undefined when there is none or it does not check out. */
export async function readSidecar(dir: string, segment: number): Promise<SegmentSidecar | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path.join(dir, sidecarFileName(segment)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const sidecar = decodeSidecar(buf);
  return sidecar?.segment === segment ? sidecar : undefined;
}

/** Removes temporary files left by a sidecar write that a crash interrupted. */
export async function removeSidecarLeftovers(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (/^seg-\d{6,}\.idx\.[0-9a-f]{12}\.tmp$/.test(name)) await fs.rm(path.join(dir, name), { force: true });
  }
}

const align = (n: number): number => Math.ceil(n / 8) * 8;
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
