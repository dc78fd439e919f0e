// The full re-hash of a lineage folder that a store runs in the background after opening sealed segments from
// their sidecars: the same walk and the same findings as verifyLineage (chain-walk.ts, firstProblem), but
// read in bounded chunks and yielding to the event loop between them, so that requests are served meanwhile
// and memory does not grow with the segment size.
import { ChainWalk } from './chain-walk.ts';
import type { VerificationKey } from './checkpoint.ts';
import { chunkedLines } from './segment-files.ts';
import { firstProblem, readCheckpoints, type LineageSnapshot, type VerifyReport } from './verify.ts';

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
