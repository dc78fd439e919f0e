// The embedded lineage store: append-only NDJSON segment files under $DSBX_HOME/lineage, one writer,
// group commit (appends that arrive while a write is in flight share the next write and fsync), signed
// checkpoints, torn-tail quarantine on open, and the reviewer index loaded from the sealed segments' sidecars
// (or rebuilt from a segment that has none that checks out) plus the active segment read in full.
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAppError } from '../errors.ts';
import { parseRecordLine, readLineFields, sealRecord } from './canonical-hash.ts';
import { ChainWalk } from './chain-walk.ts';
import { signCheckpoint, type Checkpoint, type CheckpointSigner, type VerificationKey } from './checkpoint.ts';
import { GENESIS_HASH, type LineageEntry, type LineageRecord } from './record.ts';
import { newRecordId } from './record-id.ts';
import { ReviewerIndex, type EpsilonCharge, type LineageFilter, type RecordLocation } from './reviewer-index.ts';
import {
  CHECKPOINTS_FILE,
  QUARANTINE_DIR,
  chunkedLines,
  fsyncDirectory,
  listSegments,
  segmentFileName,
  segmentLines,
  type SegmentFile,
} from './segment-files.ts';
import { readSidecar, removeSidecarLeftovers, writeSidecar, type SegmentSidecar } from './segment-sidecar.ts';
import { recheckLineage } from './segment-sidecar-recheck.ts';
import type { IntegrityStatus, LineageLog, LineageStore, ListOptions, ListPage } from './store.ts';
import { firstProblem, readCheckpoints, verifyLineage, type LineageSnapshot, type VerifyReport } from './verify.ts';

export interface EmbeddedStoreOptions {
  /** The lineage folder, normally homePaths(home).lineage. */
  readonly dir: string;
  readonly signer: CheckpointSigner;
  /** Checks the existing checkpoints at open and in verify(). */
  readonly publicJwk: VerificationKey;
  /** Sign a checkpoint every N records (0: only on close and on demand). */
  readonly checkpointEvery?: number;
  readonly log?: LineageLog;
  readonly segmentMaxBytes?: number;
  readonly segmentMaxRecords?: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_SEGMENT_RECORDS = 100_000;
/** Bounds the memory of one group commit; a longer queue is written in several. */
const MAX_BATCH = 4096;
/** The open segment: appended to, and every write durable before it returns (O_DSYNC). */
const SEGMENT_APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;
const MAX_PAGE = 1000;

export const consoleLineageLog: LineageLog = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', component: 'lineage', message, ...fields })),
  warn: (message, fields) => console.error(JSON.stringify({ level: 'warn', component: 'lineage', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', component: 'lineage', message, ...fields })),
};

export async function openLineageStore(options: EmbeddedStoreOptions): Promise<LineageStore> {
  const store = new EmbeddedLineageStore(options);
  await store.open();
  return store;
}

interface Pending {
  readonly entry: LineageEntry;
  resolve(record: LineageRecord): void;
  reject(error: unknown): void;
}

interface Sealed {
  readonly pending: Pending;
  readonly record: LineageRecord;
  readonly line: Buffer;
}

class EmbeddedLineageStore implements LineageStore {
  private readonly dir: string;
  private readonly log: LineageLog;
  private readonly checkpointEvery: number;
  private readonly maxBytes: number;
  private readonly maxRecords: number;
  private readonly index = new ReviewerIndex();

  /** Durable state: only ever advanced after an fsync. */
  private count = 0;
  private headHash = GENESIS_HASH;
  private readonly segmentSizes = new Map<number, number>();
  private segment = 0;
  private segmentRecords = 0;
  /** The active segment's first position and that record's prev: what its sidecar will say when it is sealed. */
  private segmentFirst = { seq: 1, prev: GENESIS_HASH };
  /** Sealed segments opened from their sidecars, not read: the background recheck covers their bytes. */
  private sidecarSegments = 0;
  private sidecarWrites: Promise<void> = Promise.resolve();
  private recheck: Promise<void> = Promise.resolve();
  private checkpointsBytes = 0;
  private lastCheckpointCount = 0;

  private segmentHandle: FileHandle | undefined;
  private checkpointsHandle: FileHandle | undefined;
  private queue: Pending[] = [];
  private draining: Promise<void> | undefined;
  private checkpointChain: Promise<void> = Promise.resolve();
  private state: 'open' | 'closing' | 'closed' | 'failed' = 'open';
  /** The last segment write failed (and was taken back): records cannot be made durable right now. */
  private lastWriteFailed = false;
  private status: IntegrityStatus = { ok: true, quarantined: [], checkedAt: new Date(0).toISOString() };

  constructor(private readonly options: EmbeddedStoreOptions) {
    this.dir = options.dir;
    this.log = options.log ?? consoleLineageLog;
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.maxBytes = options.segmentMaxBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxRecords = options.segmentMaxRecords ?? DEFAULT_SEGMENT_RECORDS;
    if (!Number.isInteger(this.checkpointEvery) || this.checkpointEvery < 0) throw new Error('lineage: checkpointEvery must be a non-negative integer');
    if (!(this.maxBytes > 0 && this.maxRecords > 0)) throw new Error('lineage: segment limits must be positive');
  }

  // ---- opening ----------------------------------------------------------------------------------------

  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await removeSidecarLeftovers(this.dir);
    const quarantined: string[] = [];
    await this.quarantineTornCheckpoint(quarantined);
    const { checkpoints, badCheckpoint } = await readCheckpoints(this.dir, this.options.publicJwk);
    const checkpointCounts = new Set(checkpoints.map((c) => c.count));
    const walk = new ChainWalk(checkpointCounts);

    const segments = await listSegments(this.dir);
    for (const [i, segment] of segments.entries()) {
      const last = i === segments.length - 1;
      // A sealed segment whose sidecar checks out is not read: its index entries and hashes come from the sidecar.
      if (!last && (await this.openFromSidecar(segment, walk, checkpointCounts))) continue;
      const firstSeq = walk.count + 1;
      const firstPrev = walk.head;
      // Read a chunk at a time: memory stays bounded whatever the segment's size.
      const fileSize = (await fs.stat(segment.path)).size;
      let size = fileSize;
      let records = 0;
      for await (const line of chunkedLines(segment.path, fileSize)) {
        if (line === undefined) continue;
        const atEnd = line.offset + line.bytes.length + (line.complete ? 1 : 0) === fileSize;
        const torn = !line.complete || (atEnd && parseRecordLine(line.bytes) === undefined);
        if (torn && last && atEnd) {
          // A crash mid-write leaves the last record torn: it was never acknowledged, so it is moved aside
          // (kept as evidence, never silently dropped) and the chain continues from the last whole record.
          const tail = line.complete ? Buffer.concat([line.bytes, Buffer.from('\n')]) : line.bytes;
          quarantined.push(await this.quarantine(tail, segment.path, line.offset));
          size = line.offset;
          break;
        }
        if (!line.complete) {
          walk.fail({ seq: walk.count + 1, reason: 'truncated_segment' });
          walk.count += 1;
          walk.head = '';
          this.index.addHole(walk.count);
          continue;
        }
        const position = walk.next(line.bytes);
        const record = parseRecordLine(line.bytes);
        if (record) {
          this.index.add(position, record, { segment: segment.number, offset: line.offset, length: line.bytes.length });
        } else {
          this.index.addHole(position);
          walk.fail({ seq: position, reason: 'malformed' });
        }
        records += 1;
      }
      this.segmentSizes.set(segment.number, size);
      if (last) {
        this.segment = segment.number;
        this.segmentRecords = records;
        this.segmentFirst = { seq: firstSeq, prev: firstPrev };
      } else if (records > 0) {
        // A sealed segment read in full (no sidecar, or one that did not check out) gets a new sidecar.
        this.sealSegment(segment.number, { seq: firstSeq, prev: firstPrev }, walk.count, walk.firstBad === undefined);
      }
    }

    this.count = walk.count;
    // After a break the chain continues from the last record as it stands: nothing on disk is rewritten.
    this.headHash = /^[0-9a-f]{64}$/.test(walk.head) ? walk.head : GENESIS_HASH;
    this.lastCheckpointCount = Math.max(0, ...checkpoints.map((c) => c.count));
    const firstBad = firstProblem(walk, checkpoints, badCheckpoint);
    this.status = { ok: firstBad === undefined, ...(firstBad ? { firstBad } : {}), quarantined, checkedAt: new Date().toISOString() };
    if (firstBad) {
      this.log.error('lineage log is NOT intact; appending continues after the last record and the damage is kept as found', {
        seq: firstBad.seq,
        reason: firstBad.reason,
        ...(firstBad.id ? { id: firstBad.id } : {}),
      });
    }

    if (segments.length === 0) await this.startSegment(1);
    else this.segmentHandle = await fs.open(this.segmentPath(this.segment), SEGMENT_APPEND_FLAGS);
    this.checkpointsHandle = await fs.open(path.join(this.dir, CHECKPOINTS_FILE), 'a');
    this.log.info('lineage log opened', { records: this.count, segments: this.segmentSizes.size, fromSidecars: this.sidecarSegments, intact: this.status.ok });
    if (this.sidecarSegments > 0) this.recheck = this.recheckInBackground();
  }

  /**
   * Takes a sealed segment's index entries and hashes from its sidecar, when the sidecar checks out against
   * the segment file (length, modification time), the chain so far (position, link to the previous hash) and
   * the segment's two ends (read and re-hashed). Checkpoints inside the segment are checked against the
   * sidecar's hashes. False, having changed nothing, when the segment must be read instead.
   */
  private async openFromSidecar(segment: SegmentFile, walk: ChainWalk, checkpointCounts: ReadonlySet<number>): Promise<boolean> {
    // After a break the segments are read as they are, so that the damage is reported as before.
    if (walk.firstBad !== undefined || this.index.size !== walk.count) return false;
    const [sidecar, stat] = await Promise.all([readSidecar(this.dir, segment.number).catch(() => undefined), fs.stat(segment.path)]);
    if (!sidecar) return false;
    const fits =
      stat.size === sidecar.bytes &&
      stat.mtimeMs === sidecar.mtimeMs &&
      sidecar.firstSeq === walk.count + 1 &&
      sidecar.firstPrev === walk.head &&
      (await endsMatch(segment.path, sidecar));
    if (!fits) {
      this.log.warn('lineage segment sidecar does not match its segment; reading the segment', { segment: segment.number });
      return false;
    }
    const n = sidecar.entries.count;
    for (const count of checkpointCounts) {
      const at = count - sidecar.firstSeq;
      if (at >= 0 && at < n) walk.hashAt.set(count, Buffer.from(sidecar.hashes.subarray(at * 32, at * 32 + 32)).toString('hex'));
    }
    walk.count += n;
    walk.head = sidecar.lastHash;
    this.index.addSlice(sidecar.entries);
    this.segmentSizes.set(segment.number, sidecar.bytes);
    this.sidecarSegments += 1;
    return true;
  }

  /**
   * Writes the sidecar of a segment that will not grow again, off the append path: a sidecar only saves the
   * next open a read, so failing to write one is logged, not raised. Nothing is written for a segment of a
   * chain that is not intact: such a log is read in full at every open, which reports the damage.
   */
  private sealSegment(segment: number, first: { seq: number; prev: string }, lastSeq: number, intact: boolean): void {
    const hashes = lastSeq >= first.seq ? this.index.hashes(first.seq, lastSeq) : undefined;
    this.index.forgetHashesBefore(lastSeq + 1);
    const bytes = this.segmentSizes.get(segment);
    if (!intact || !hashes || bytes === undefined) return;
    const entries = this.index.slice(first.seq, lastSeq);
    const file = this.segmentPath(segment);
    this.sidecarWrites = this.sidecarWrites
      .then(async () => {
        const stat = await fs.stat(file);
        if (stat.size !== bytes) return;
        const lastHash = Buffer.from(hashes.subarray(hashes.length - 32)).toString('hex');
        await writeSidecar(this.dir, { segment, bytes, mtimeMs: stat.mtimeMs, firstSeq: first.seq, firstPrev: first.prev, lastHash, hashes, entries });
      })
      .catch((e: unknown) => this.log.warn('lineage segment sidecar not written; the next open reads the segment', { segment, code: errnoOf(e) }));
  }

  /**
   * Segments opened from sidecars were checked at their ends, not byte by byte: the whole chain as it was at
   * open is re-hashed in the background, yielding to requests, and a break found there is reported through
   * integrity() and the log exactly as if open had found it.
   */
  private async recheckInBackground(): Promise<void> {
    const snapshot = this.snapshot();
    try {
      const report = await recheckLineage({ dir: this.dir, publicJwk: this.options.publicJwk, snapshot, stop: () => this.state !== 'open' });
      if (!report) return;
      // Open may have found a break after the segments it took from sidecars; the earliest break is the one reported.
      const known = this.status.firstBad?.seq;
      if (report.ok || !report.firstBad || (known !== undefined && known <= report.firstBad.seq)) {
        this.status = { ...this.status, checkedAt: new Date().toISOString() };
        return;
      }
      this.status = { ok: false, ...(report.firstBad ? { firstBad: report.firstBad } : {}), quarantined: this.status.quarantined, checkedAt: new Date().toISOString() };
      this.log.error('lineage log is NOT intact (found re-hashing the segments opened from their sidecars); the damage is kept as found', {
        seq: report.firstBad?.seq,
        reason: report.firstBad?.reason,
        ...(report.firstBad?.id ? { id: report.firstBad.id } : {}),
      });
    } catch (e) {
      this.log.warn('lineage background recheck could not finish; run lineage verify', { code: errnoOf(e) });
    }
  }

  /** A checkpoint line torn by a crash is moved aside like a torn record; the checkpoints before it stand. */
  private async quarantineTornCheckpoint(quarantined: string[]): Promise<void> {
    const file = path.join(this.dir, CHECKPOINTS_FILE);
    let buf: Buffer;
    try {
      buf = await fs.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    this.checkpointsBytes = buf.length;
    let tail: number | undefined;
    for (const line of segmentLines(buf)) if (!line.complete) tail = line.offset;
    if (tail === undefined) return;
    quarantined.push(await this.quarantine(buf.subarray(tail), file, tail));
    this.checkpointsBytes = tail;
  }

  /** Copies the torn bytes into quarantine/ durably, and only then cuts them from the file. */
  private async quarantine(bytes: Buffer, file: string, keep: number): Promise<string> {
    const dir = path.join(this.dir, QUARANTINE_DIR);
    await fs.mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    let name = `${stamp}.partial`;
    for (let n = 2; await exists(path.join(dir, name)); n++) name = `${stamp}-${n}.partial`;
    const handle = await fs.open(path.join(dir, name), 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDirectory(dir);
    const target = await fs.open(file, 'r+');
    try {
      await target.truncate(keep);
      await target.sync();
    } finally {
      await target.close();
    }
    this.log.warn('torn lineage tail moved to quarantine', { file: path.basename(file), bytes: bytes.length, quarantine: name });
    return name;
  }

  // ---- appending ----------------------------------------------------------------------------------------

  append(entry: LineageEntry): Promise<LineageRecord> {
    if (this.state !== 'open') return Promise.reject(new AppError('UNAVAILABLE', 'The lineage log is not accepting records.'));
    return new Promise<LineageRecord>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let every append issued in the same turn of the event loop join the first write.
    await Promise.resolve();
    try {
      while (this.queue.length > 0 && this.state !== 'failed') {
        await this.commit(this.queue.splice(0, MAX_BATCH));
        if (this.checkpointEvery > 0 && Math.floor(this.count / this.checkpointEvery) > Math.floor(this.lastCheckpointCount / this.checkpointEvery)) {
          await this.checkpoint().catch((e: unknown) => this.log.error('lineage checkpoint failed', { code: errnoOf(e) }));
        }
      }
    } finally {
      this.draining = undefined;
      if (this.state === 'failed') {
        for (const p of this.queue.splice(0)) p.reject(new AppError('UNAVAILABLE', 'The lineage log is not accepting records.'));
      }
    }
  }

  /** Seals the batch on top of the durable head, writes it segment by segment, and resolves each record after its fsync. */
  private async commit(batch: Pending[]): Promise<void> {
    const sealed: Sealed[] = [];
    let seq = this.count;
    let prev = this.headHash;
    for (const pending of batch) {
      try {
        const { record, line } = sealRecord({ ...pending.entry, id: newRecordId(), seq: seq + 1, time: new Date().toISOString(), prev });
        sealed.push({ pending, record, line: Buffer.from(`${line}\n`) });
        seq = record.seq;
        prev = record.hash;
      } catch (e) {
        pending.reject(isAppError(e) ? e : new AppError('INTERNAL', 'The lineage record could not be sealed.'));
      }
    }

    let i = 0;
    while (i < sealed.length) {
      const size = this.segmentSizes.get(this.segment) ?? 0;
      if (this.segmentRecords >= this.maxRecords || (size > 0 && size + sealed[i]!.line.length > this.maxBytes)) await this.startSegment(this.segment + 1);
      const start = i;
      let bytes = sealed[i]!.line.length;
      i += 1;
      while (
        i < sealed.length &&
        this.segmentRecords + (i - start) < this.maxRecords &&
        (this.segmentSizes.get(this.segment) ?? 0) + bytes + sealed[i]!.line.length <= this.maxBytes
      ) {
        bytes += sealed[i]!.line.length;
        i += 1;
      }
      const chunk = sealed.slice(start, i);
      try {
        await this.writeDurably(Buffer.concat(chunk.map((s) => s.line), bytes));
      } catch (e) {
        // Everything sealed after this chunk was chained onto it: none of it can be written now.
        for (const s of sealed.slice(start)) s.pending.reject(e);
        return;
      }
      let offset = this.segmentSizes.get(this.segment) ?? 0;
      for (const s of chunk) {
        this.index.add(s.record.seq, s.record, { segment: this.segment, offset, length: s.line.length - 1 });
        offset += s.line.length;
      }
      const last = chunk.at(-1)!.record;
      this.count = last.seq;
      this.headHash = last.hash;
      this.segmentSizes.set(this.segment, offset);
      this.segmentRecords += chunk.length;
      for (const s of chunk) s.pending.resolve(s.record);
    }
  }

  private async writeDurably(buf: Buffer): Promise<void> {
    const handle = this.segmentHandle!;
    const before = this.segmentSizes.get(this.segment) ?? 0;
    try {
      for (let written = 0; written < buf.length; ) {
        // O_DSYNC: each write returns once its bytes (and the file size) are on disk, in one trip to the
        // thread pool instead of a write and then an fdatasync.
        const { bytesWritten } = await handle.write(buf, written, buf.length - written);
        written += bytesWritten;
      }
      this.lastWriteFailed = false;
    } catch (e) {
      this.lastWriteFailed = true;
      this.log.error('lineage write failed', { code: errnoOf(e) });
      try {
        // Take back a partial write so that the file ends on the last durable record again.
        await handle.truncate(before);
        await handle.datasync();
      } catch (again) {
        this.state = 'failed';
        this.log.error('lineage log could not be restored after a failed write; refusing further records', { code: errnoOf(again) });
      }
      throw new AppError('UNAVAILABLE', 'The lineage record could not be written.');
    }
  }

  private async startSegment(n: number): Promise<void> {
    if (this.segmentHandle && this.segmentRecords > 0) this.sealSegment(this.segment, this.segmentFirst, this.count, this.status.ok);
    this.segmentFirst = { seq: this.count + 1, prev: this.headHash };
    await this.segmentHandle?.close();
    this.segmentHandle = await fs.open(this.segmentPath(n), SEGMENT_APPEND_FLAGS);
    await fsyncDirectory(this.dir);
    this.segment = n;
    this.segmentRecords = 0;
    this.segmentSizes.set(n, 0);
  }

  private segmentPath(n: number): string {
    return path.join(this.dir, segmentFileName(n));
  }

  // ---- checkpoints --------------------------------------------------------------------------------------

  checkpoint(): Promise<void> {
    const run = this.checkpointChain.then(() => this.writeCheckpoint());
    this.checkpointChain = run.catch(() => undefined);
    return run;
  }

  private async writeCheckpoint(): Promise<void> {
    const handle = this.checkpointsHandle;
    if (!handle) throw new AppError('UNAVAILABLE', 'The lineage log is closed.');
    const checkpoint = { count: this.count, head: this.headHash, time: new Date().toISOString() };
    const line = Buffer.from(`${await signCheckpoint(checkpoint, this.options.signer)}\n`);
    for (let written = 0; written < line.length; ) {
      const { bytesWritten } = await handle.write(line, written, line.length - written);
      written += bytesWritten;
    }
    await handle.datasync();
    this.checkpointsBytes += line.length;
    this.lastCheckpointCount = Math.max(this.lastCheckpointCount, checkpoint.count);
  }

  // ---- reading ------------------------------------------------------------------------------------------

  head(): { count: number; hash: string } {
    return { count: this.count, hash: this.headHash };
  }

  integrity(): IntegrityStatus {
    // The chain may be intact, but a log that cannot write refuses every query: health must say so.
    if (this.lastWriteFailed || this.state === 'failed') return { ...this.status, ok: false, writeFailing: true };
    return this.status;
  }

  async get(id: string): Promise<LineageRecord | undefined> {
    const location = this.index.locate(id);
    if (!location) return undefined;
    const [record] = await this.read([location]);
    return record;
  }

  async list(filter: LineageFilter, { cursor, limit }: ListOptions): Promise<ListPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AppError('BAD_REQUEST', 'The page limit must be an integer from 1 to 1000.');
    if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor)) throw new AppError('BAD_REQUEST', 'The cursor is not one this service issued.');
    const page = this.index.query(filter, cursor === undefined ? undefined : Number(cursor), limit);
    const records = await this.read(page.positions.map((p) => this.index.locationAt(p)!));
    return { records, ...(page.nextCursor !== undefined ? { nextCursor: String(page.nextCursor) } : {}) };
  }

  private async read(locations: readonly RecordLocation[]): Promise<LineageRecord[]> {
    const handles = new Map<number, FileHandle>();
    try {
      const records: LineageRecord[] = [];
      for (const loc of locations) {
        let handle = handles.get(loc.segment);
        if (!handle) handles.set(loc.segment, (handle = await fs.open(this.segmentPath(loc.segment), 'r')));
        const buf = Buffer.alloc(loc.length);
        await handle.read(buf, 0, loc.length, loc.offset);
        const record = parseRecordLine(buf);
        if (record) records.push(record);
        else this.log.error('lineage record changed on disk since the log was opened', { segment: loc.segment, offset: loc.offset });
      }
      return records;
    } finally {
      await Promise.all([...handles.values()].map((h) => h.close()));
    }
  }

  epsilonCharges(): Iterable<EpsilonCharge> {
    return this.index.charges();
  }

  async checkpoints(): Promise<readonly Checkpoint[]> {
    // Only the bytes already fsync'd: a checkpoint being written is not shown until it is durable.
    return (await readCheckpoints(this.dir, this.options.publicJwk, this.checkpointsBytes)).checkpoints;
  }

  verify(): Promise<VerifyReport> {
    return verifyLineage({ dir: this.dir, publicJwk: this.options.publicJwk, snapshot: this.snapshot() });
  }

  /** What is durable now: the segments' and the checkpoints' lengths. */
  private snapshot(): LineageSnapshot {
    return {
      segments: [...this.segmentSizes.entries()].sort(([a], [b]) => a - b).map(([n, size]) => ({ path: this.segmentPath(n), size })),
      checkpointsSize: this.checkpointsBytes,
    };
  }

  // ---- closing ------------------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'open') this.state = 'closing';
    while (this.draining) await this.draining;
    await this.recheck;
    await this.sidecarWrites;
    await this.checkpointChain;
    if (this.state !== 'failed' && this.count > this.lastCheckpointCount) await this.checkpoint();
    await this.segmentHandle?.close();
    await this.checkpointsHandle?.close();
    this.segmentHandle = undefined;
    this.checkpointsHandle = undefined;
    this.state = 'closed';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Re-hashes a sealed segment's first and last lines and checks them against its sidecar: the lines that link
 * the segment to its neighbours, and the last one ending where the file ends.
 */
async function endsMatch(file: string, sidecar: SegmentSidecar): Promise<boolean> {
  const { entries, hashes, firstSeq, firstPrev, lastHash } = sidecar;
  const n = entries.count;
  const handle = await fs.open(file, 'r');
  try {
    for (const [i, wantHash] of [[0, Buffer.from(hashes.subarray(0, 32)).toString('hex')], [n - 1, lastHash]] as const) {
      const length = entries.length[i]!;
      const buf = Buffer.alloc(length + 1);
      const { bytesRead } = await handle.read(buf, 0, length + 1, entries.offset[i]!);
      if (bytesRead !== length + 1 || buf[length] !== 0x0a) return false;
      const fields = readLineFields(buf.subarray(0, length));
      if (!fields || fields.computedHash !== fields.declaredHash || fields.declaredHash !== wantHash || fields.seq !== firstSeq + i) return false;
      if (i === 0 && fields.prev !== firstPrev) return false;
    }
    return true;
  } finally {
    await handle.close();
  }
}

/** Only the errno code reaches the log: an error message could carry a path. */
const errnoOf = (e: unknown): string => (e && typeof e === 'object' && 'code' in e ? String(e.code) : 'unknown');
