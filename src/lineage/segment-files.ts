// The on-disk layout of a lineage folder: numbered NDJSON segment files and their sidecars, the checkpoints
// file, the quarantine folder; and the splitting of a segment's bytes into lines.
import fs from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

export const CHECKPOINTS_FILE = 'checkpoints.ndjson';
export const QUARANTINE_DIR = 'quarantine';
const SEGMENT_NAME = /^segment-(\d{6,})\.ndjson$/;

export const segmentFileName = (n: number): string => `segment-${String(n).padStart(6, '0')}.ndjson`;
/** The sidecar of a sealed segment (segment-sidecar.ts): what opening the store needs, without the records. */
export const sidecarFileName = (n: number): string => `seg-${String(n).padStart(6, '0')}.idx`;

export interface SegmentFile {
  readonly number: number;
  readonly path: string;
}

/** The folder's segment files in chain order. A folder that does not exist holds no segments. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const segments: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_NAME.exec(name);
    if (m) segments.push({ number: Number(m[1]), path: path.join(dir, name) });
  }
  return segments.sort((a, b) => a.number - b.number);
}

/** One line of a segment, without its newline. `complete` is false for trailing bytes with no newline. */
export interface SegmentLine {
  readonly offset: number;
  readonly bytes: Buffer;
  readonly complete: boolean;
}

/** Splits a segment's bytes at newlines; bytes after the last newline come last, marked incomplete. */
export function* segmentLines(buf: Buffer): Generator<SegmentLine> {
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      yield { offset: start, bytes: buf.subarray(start), complete: false };
      return;
    }
    yield { offset: start, bytes: buf.subarray(start, nl), complete: true };
    start = nl + 1;
  }
}

/** How much of a segment is held in memory at once when it is read line by line. */
const CHUNK = 4 * 1024 * 1024;

/**
 * The lines of a file's first `size` bytes, read CHUNK bytes at a time; `undefined` between chunks, after
 * a turn of the event loop has passed. As in segmentLines, trailing bytes without a newline come last, incomplete.
 */
export async function* chunkedLines(file: string, size: number): AsyncGenerator<SegmentLine | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryOffset = 0;
    for (let position = 0; position < size; ) {
      const chunk = Buffer.alloc(Math.min(CHUNK, size - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
        yield { offset: carryOffset + start, bytes: buf.subarray(start, nl), complete: true };
        start = nl + 1;
      }
      carryOffset += start;
      carry = Buffer.from(buf.subarray(start));
      await nextTurn();
      yield undefined;
    }
    if (carry.length > 0) yield { offset: carryOffset, bytes: carry, complete: false };
  } finally {
    await handle.close();
  }
}

/** Reads a file, or only its first `limit` bytes (a snapshot of what was durable when verification began). */
export async function readPrefix(file: string, limit?: number): Promise<Buffer> {
  if (limit === undefined) return fs.readFile(file);
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    let filled = 0;
    while (filled < limit) {
      const { bytesRead } = await handle.read(buf, filled, limit - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Makes a directory entry (a new segment, a quarantine file) durable, not only the file's contents. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
