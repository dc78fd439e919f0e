// Which signed checkpoints bear on one record: the first one taken at or after it (its signature covers the
// record through the hash chain) and the last one before it. Pure: the store supplies verified checkpoints.
import type { Checkpoint } from './checkpoint.ts';

export interface CheckpointsAround {
  /** The earliest checkpoint whose count reaches the record: it signs a head the record leads to. */
  readonly covering?: Checkpoint;
  /** The latest checkpoint taken before the record was written. */
  readonly before?: Checkpoint;
}

/** `checkpoints` in any order; positions are 1-based like record seq. */
export function checkpointsAround(checkpoints: readonly Checkpoint[], seq: number): CheckpointsAround {
  let covering: Checkpoint | undefined;
  let before: Checkpoint | undefined;
  for (const cp of checkpoints) {
    if (cp.count >= seq) {
      if (!covering || cp.count < covering.count) covering = cp;
    } else if (!before || cp.count > before.count) {
      before = cp;
    }
  }
  return { ...(covering ? { covering } : {}), ...(before ? { before } : {}) };
}

/** The checkpoint with the largest count (the newest head signed), if any. */
export const lastCheckpoint = (checkpoints: readonly Checkpoint[]): Checkpoint | undefined =>
  checkpoints.reduce<Checkpoint | undefined>((a, b) => (a === undefined || b.count > a.count ? b : a), undefined);
