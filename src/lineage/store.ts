// The lineage store interface: what the query API and the reviewer routes use, whatever keeps the records
// (the embedded NDJSON segment store here; a PostgreSQL store for several replicas could come later).
import type { ChainBreak } from './chain-walk.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { LineageEntry, LineageRecord } from './record.ts';
import type { EpsilonCharge, LineageFilter } from './reviewer-index.ts';
import type { VerifyReport } from './verify.ts';

export type { EpsilonCharge, LineageFilter } from './reviewer-index.ts';
export type { VerifyReport } from './verify.ts';

export interface ListOptions {
  /** Opaque: the `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** 1 to 1000. */
  readonly limit: number;
}

export interface ListPage {
  /** Newest first. */
  readonly records: LineageRecord[];
  readonly nextCursor?: string;
}

/**
 * What the store found when it opened its folder. A broken chain does not stop the service (it would let
 * anyone who can damage the log stop the city's data service); it is reported here, loudly, instead.
 */
export interface IntegrityStatus {
  readonly ok: boolean;
  readonly firstBad?: ChainBreak;
  /** Names of the files under quarantine/ that hold torn tails moved aside at open. */
  readonly quarantined: readonly string[];
  readonly checkedAt: string;
  /**
   * True while the log cannot write (its last write failed, e.g. the disk is full, or it gave up after one);
   * `ok` is false then too, so that /healthz fails while every query answers UNAVAILABLE. Cleared by the next
   * write that succeeds.
   */
  readonly writeFailing?: boolean;
}

export interface LineageStore {
  /** Resolves only once the record is durable (written and fsync'd). */
  append(entry: LineageEntry): Promise<LineageRecord>;
  get(id: string): Promise<LineageRecord | undefined>;
  list(filter: LineageFilter, options: ListOptions): Promise<ListPage>;
  /** Verifies what is durable now, without pausing appends. */
  verify(): Promise<VerifyReport>;
  head(): { readonly count: number; readonly hash: string };
  integrity(): IntegrityStatus;
  /** The signed checkpoints durable now whose signatures verify, in file order (for the reviewers' console). */
  checkpoints(): Promise<readonly Checkpoint[]>;
  /** Signs and appends a checkpoint of the current head now. */
  checkpoint(): Promise<void>;
  /**
   * Every record's ε charge, oldest first, from the store's index rather than from the records, so that the
   * budget ledger starts without reading the log (dp/budget-ledger.ts). Optional: a ledger without it replays.
   */
  epsilonCharges?(): Iterable<EpsilonCharge>;
  /** Finishes pending appends, writes a final checkpoint, releases the files. */
  close(): Promise<void>;
}

/** Where the store reports what an operator must see (torn tails, broken chains, write failures). */
export interface LineageLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
