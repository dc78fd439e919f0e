// Offline verification of a lineage folder with nothing but the folder and the public key: every hash
// recomputed, every link and position checked, every checkpoint's signature and head checked.
import path from 'node:path';
import { ChainWalk, type ChainBreak } from './chain-walk.ts';
import { checkCheckpointLine, verifierFor, type Checkpoint, type VerificationKey } from './checkpoint.ts';
import { CHECKPOINTS_FILE, listSegments, readPrefix, segmentLines } from './segment-files.ts';

export interface VerifyReport {
  /** True only when every record and every checkpoint checks out. */
  readonly ok: boolean;
  readonly count: number;
  /** The hash of the last record (64 zeros for an empty log). */
  readonly head: string;
  readonly checkpoints: { readonly count: number; readonly verified: number };
  readonly firstBad?: ChainBreak;
}

/** What was durable at one moment, so that a running store can be verified while it keeps appending. */
export interface LineageSnapshot {
  readonly segments: readonly { readonly path: string; readonly size: number }[];
  readonly checkpointsSize: number;
}

export interface VerifyOptions {
  readonly dir: string;
  readonly publicJwk: VerificationKey;
  readonly snapshot?: LineageSnapshot;
}

export async function verifyLineage({ dir, publicJwk, snapshot }: VerifyOptions): Promise<VerifyReport> {
  const { checkpoints, badCheckpoint, lines } = await readCheckpoints(dir, publicJwk, snapshot?.checkpointsSize);
  const walk = new ChainWalk(new Set(checkpoints.map((c) => c.count)));

  const segments = snapshot?.segments ?? (await listSegments(dir)).map((s) => ({ path: s.path, size: undefined }));
  // The next segment is read while this one is hashed: the walk is CPU, the read is the thread pool's.
  let ahead = segments[0] ? readPrefix(segments[0].path, segments[0].size) : undefined;
  for (let i = 0; i < segments.length; i++) {
    const buf = await ahead!;
    const following = segments[i + 1];
    ahead = following ? readPrefix(following.path, following.size) : undefined;
    // The same split as segmentLines, without an object per line: a million of them are worth avoiding.
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      walk.next(buf.subarray(start, nl));
      start = nl + 1;
    }
    if (start < buf.length) {
      const last = i === segments.length - 1;
      walk.fail({ seq: walk.count + 1, reason: last ? 'torn_tail' : 'truncated_segment' });
      walk.count += 1; // the torn bytes occupy a position: what follows them cannot be intact
      walk.head = '';
    }
  }

  const firstBad = firstProblem(walk, checkpoints, badCheckpoint);
  return {
    ok: firstBad === undefined,
    count: walk.count,
    head: walk.head,
    checkpoints: { count: lines, verified: checkpoints.length },
    ...(firstBad ? { firstBad } : {}),
  };
}

/** The first problem in chain order, from the walk itself or from checking the checkpoints against it. */
export function firstProblem(walk: ChainWalk, checkpoints: readonly Checkpoint[], badCheckpoint: ChainBreak | undefined): ChainBreak | undefined {
  const problems: ChainBreak[] = walk.firstBad ? [walk.firstBad] : [];
  if (badCheckpoint) problems.push(badCheckpoint);
  for (const cp of checkpoints) {
    if (cp.count > walk.count) problems.push({ seq: walk.count + 1, reason: 'checkpoint_beyond_chain' });
    else if (cp.count > 0 && walk.hashAt.get(cp.count) !== cp.head) problems.push({ seq: cp.count, reason: 'checkpoint_mismatch' });
  }
  // The earliest position wins; on a tie the chain's own finding comes first, being the more specific.
  return problems.reduce<ChainBreak | undefined>((a, b) => (a === undefined || b.seq < a.seq ? b : a), undefined);
}

export interface ReadCheckpoints {
  readonly checkpoints: Checkpoint[];
  readonly badCheckpoint: ChainBreak | undefined;
  readonly lines: number;
}

/** Reads and checks checkpoints.ndjson (or its first `limit` bytes); a missing file holds no checkpoints. */
export async function readCheckpoints(dir: string, key: VerificationKey, limit?: number): Promise<ReadCheckpoints> {
  let buf: Buffer;
  try {
    buf = await readPrefix(path.join(dir, CHECKPOINTS_FILE), limit);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], badCheckpoint: undefined, lines: 0 };
    throw e;
  }
  const verifier = await verifierFor(key);
  const checkpoints: Checkpoint[] = [];
  let badCheckpoint: ChainBreak | undefined;
  let lines = 0;
  for (const line of segmentLines(buf)) {
    lines += 1;
    const checked = line.complete
      ? await checkCheckpointLine(line.bytes.toString('utf8'), verifier)
      : ({ ok: false, count: undefined } as const);
    if (checked.ok) {
      checkpoints.push(checked.checkpoint);
    } else if (!badCheckpoint) {
      // A checkpoint that cannot be read at all is placed just after the last good one.
      const seq = checked.count ?? (checkpoints.at(-1)?.count ?? 0) + 1;
      badCheckpoint = { seq: Math.max(seq, 1), reason: 'checkpoint_signature' };
    }
  }
  return { checkpoints, badCheckpoint, lines };
}
