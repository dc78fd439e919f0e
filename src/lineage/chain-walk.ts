// Walks a chain of stored lines in order and finds the first place where it is not intact: the one
// definition of "intact" shared by offline verification and by the store when it opens a folder.
import { readLineFields } from './canonical-hash.ts';
import { GENESIS_HASH } from './record.ts';

export type BreakReason =
  /** Not JSON, or JSON that is not a lineage record. */
  | 'malformed'
  /** The record's bytes do not hash to the hash it carries: it was edited. */
  | 'hash_mismatch'
  /** The record is not at the position its seq says: a record before it was deleted, inserted or moved. */
  | 'seq_mismatch'
  /** The record does not point at the hash of the record before it. */
  | 'prev_mismatch'
  /** The last segment ends inside a record (a crash mid-write, or a file cut short). */
  | 'torn_tail'
  /** A segment other than the last ends inside a record. */
  | 'truncated_segment'
  /** A checkpoint whose signature does not verify with the public key. */
  | 'checkpoint_signature'
  /** A signed checkpoint whose head is not the chain's hash at its count: the chain was rewritten. */
  | 'checkpoint_mismatch'
  /** A signed checkpoint counts more records than the folder holds: records were removed from the end. */
  | 'checkpoint_beyond_chain';

export interface ChainBreak {
  /** Position in the chain (1-based) of the first bad record; equal to its seq when the chain is intact. */
  readonly seq: number;
  readonly id?: string;
  readonly reason: BreakReason;
}

export class ChainWalk {
  count = 0;
  head = GENESIS_HASH;
  firstBad: ChainBreak | undefined;
  /** The chain's hash at the counts a checkpoint names, filled in as the walk passes them. */
  readonly hashAt = new Map<number, string>();

  constructor(private readonly wantedCounts: ReadonlySet<number> = new Set()) {}

  /**
   * Takes the next line and returns its position in the chain. Only the chain fields are read (see
   * readLineFields): a line the store wrote was checked against the record schema before it was hashed, so
   * a line whose bytes still hash to the chain is a valid record. Parsing the whole record is left to readers.
   */
  next(bytes: Uint8Array): number {
    const position = this.count + 1;
    const fields = readLineFields(bytes);
    this.count = position;
    if (!fields) {
      this.fail({ seq: position, reason: 'malformed' });
      this.head = '';
    } else {
      if (fields.computedHash !== fields.declaredHash) this.fail({ seq: position, id: fields.id, reason: 'hash_mismatch' });
      else if (fields.seq !== position) this.fail({ seq: position, id: fields.id, reason: 'seq_mismatch' });
      else if (fields.prev !== this.head) this.fail({ seq: position, id: fields.id, reason: 'prev_mismatch' });
      this.head = fields.declaredHash;
    }
    if (this.wantedCounts.has(position)) this.hashAt.set(position, this.head);
    return position;
  }

  /** Records a break found outside `next` (a torn or truncated segment). */
  fail(bad: ChainBreak): void {
    this.firstBad ??= bad;
  }
}
