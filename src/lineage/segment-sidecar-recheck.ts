// The full re-hash of a lineage folder that a store runs in the background after opening sealed segments from
// their sidecars: the same walk and the same findings as verifyLineage (chain-walk.ts, firstProblem), but
// read in bounded chunks and yielding to the event loop between them, so that requests are served meanwhile
// and memory does not grow with the segment size.
import fs from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ChainWalk } from './chain-walk.ts';
import type { VerificationKey } from './checkpoint.ts';
import type { SegmentLine } from './segment-files.ts';
import { firstProblem, readCheckpoints, type LineageSnapshot, type VerifyReport } from './verify.ts';

const CHUNK = 4 * 1024 * 1024;

export interface RecheckOptions {
  readonly dir: string;
  readonly publicJwk: VerificationKey;
  readonly snapshot: LineageSnapshot;
  /** Asked between chunks: true abandons the recheck (the store is closing). */
  readonly stop?: () => boolean;
}

/** The verification report of the snapshot, or undefined when `stop` abandoned it. */
export async function recheckLineage({ dir, publicJwk, snapshot, stop = () => false }: RecheckOptions): Promise<VerifyReport | undefined> {
  const { checkpoints, badCheckpoint, lines } = await readCheckpoints(dir, publicJwk, snapshot.checkpointsSize);
  const walk = new ChainWalk(new Set(checkpoints.map((c) => c.count)));
  for (const [i, segment] of snapshot.segments.entries()) {
    for await (const line of chunkedLines(segment.path, segment.size)) {
      if (line === undefined) {
        if (stop()) return undefined;
        continue;
      }
      if (line.complete) {
        walk.next(line.bytes);
        continue;
      }
      walk.fail({ seq: walk.count + 1, reason: i === snapshot.segments.length - 1 ? 'torn_tail' : 'truncated_segment' });
      walk.count += 1;
      walk.head = '';
    }
  }
  const firstBad = firstProblem(walk, checkpoints, badCheckpoint);
  return { ok: firstBad === undefined, count: walk.count, head: walk.head, checkpoints: { count: lines, verified: checkpoints.length }, ...(firstBad ? { firstBad } : {}) };
}

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
