// Walks a chain of stored lines in order and finds the first place where it is not intact: the one
// definition of "intact" shared by offline verification and by the store when it opens a folder.
import { linkOffset, readLineFields } from './canonical-hash.ts';
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

const HEX64 = /^[0-9a-f]{64}$/;

export class ChainWalk {
  count = 0;
  firstBad: ChainBreak | undefined;
  /** The chain's hash at the counts a checkpoint names, filled in as the walk passes them. */
  readonly hashAt = new Map<number, string>();
  /**
   * The head as the 64 hex bytes a next line's prev must equal, so that an intact line is checked without
   * making a string; `headKnown` is false when the head is not a hash (after an unreadable line).
   */
  private readonly headBytes = Buffer.alloc(64);
  private headKnown = true;
  /** The head as a string, made only when asked for. */
  private headText: string | undefined = GENESIS_HASH;

  constructor(private readonly wantedCounts: ReadonlySet<number> = new Set()) {
    this.head = GENESIS_HASH;
  }

  /** The hash of the last record walked ('' when that record could not be read). */
  get head(): string {
    return (this.headText ??= this.headBytes.toString('latin1'));
  }

  set head(value: string) {
    this.headText = value;
    this.headKnown = HEX64.test(value);
    if (this.headKnown) this.headBytes.write(value, 'latin1');
  }

  /**
   * Takes the next line and returns its position in the chain. Only the chain fields are read (see
   * readLineFields): a line the store wrote was checked against the record schema before it was hashed, so
   * a line whose bytes still hash to the chain is a valid record. Parsing the whole record is left to readers.
   * An intact link is accepted by linkOffset's byte checks; anything else is read again by readLineFields,
   * which alone decides what is wrong, so both paths share one definition of intact.
   */
  next(bytes: Uint8Array): number {
    const position = this.count + 1;
    const line = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = this.headKnown ? linkOffset(line, position, this.headBytes) : -1;
    if (at >= 0) {
      this.count = position;
      line.copy(this.headBytes, 0, at, at + 64);
      this.headText = undefined;
      if (this.wantedCounts.has(position)) this.hashAt.set(position, this.head);
      return position;
    }
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
