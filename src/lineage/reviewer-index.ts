// The in-memory index behind the reviewer API's filters, rebuilt from the segments whenever a store opens:
// small per-record facts and where the record's line is, never the record itself.
import { AppError } from '../errors.ts';
import type { LineageRecord } from './record.ts';

export interface LineageFilter {
  readonly subject?: string;
  readonly org?: string;
  readonly dataset?: string;
  /** `dataset.table`, or a table name alone. */
  readonly table?: string;
  /** `dataset.table.column`, or a column name alone. */
  readonly column?: string;
  readonly decision?: 'allow' | 'deny';
  readonly code?: string;
  readonly kind?: string;
  /** Inclusive lower bound on the record's time (ISO 8601). */
  readonly from?: string;
  /** Exclusive upper bound on the record's time (ISO 8601). */
  readonly to?: string;
}

/** Where a record's line is: the store reads it back from there. */
export interface RecordLocation {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

interface Entry {
  readonly id: string;
  readonly timeMs: number;
  readonly subject: string;
  readonly org: string;
  readonly kind: string;
  readonly effect: 'allow' | 'deny';
  readonly code: string | undefined;
  /** `d:ds`, `t:ds.tbl`, `t:tbl`, `c:ds.tbl.col`, `c:col` for every input column. */
  readonly keys: readonly string[];
  readonly location: RecordLocation;
}

export interface IndexPage {
  /** Positions of the matching records, newest first. */
  readonly positions: number[];
  /** Position to continue below, when more records may match. */
  readonly nextCursor?: number;
}

export class ReviewerIndex {
  /** entries[position - 1]; a hole where a line could not be read as a record. */
  private readonly entries: (Entry | undefined)[] = [];
  private readonly byId = new Map<string, number>();
  /** Strings repeat across records (subjects, column keys): keep one copy of each. */
  private readonly interned = new Map<string, string>();

  get size(): number {
    return this.entries.length;
  }

  add(position: number, record: LineageRecord, location: RecordLocation): void {
    const keys = new Set<string>();
    for (const c of record.inputs) {
      keys.add(`d:${c.dataset}`).add(`t:${c.dataset}.${c.table}`).add(`t:${c.table}`);
      keys.add(`c:${c.dataset}.${c.table}.${c.column}`).add(`c:${c.column}`);
    }
    this.entries[position - 1] = {
      id: record.id,
      timeMs: Date.parse(record.time),
      subject: this.intern(record.subject),
      org: this.intern(record.org),
      kind: this.intern(record.kind),
      effect: record.decision.effect,
      code: record.decision.code === undefined ? undefined : this.intern(record.decision.code),
      keys: [...keys].map((k) => this.intern(k)),
      location,
    };
    // A repeated id (only in a tampered log) keeps pointing at the first record that had it.
    if (!this.byId.has(record.id)) this.byId.set(record.id, position);
  }

  /** Keeps the positions in step with the chain for a line that is not a readable record. */
  addHole(position: number): void {
    this.entries[position - 1] = undefined;
  }

  locate(id: string): RecordLocation | undefined {
    const position = this.byId.get(id);
    return position === undefined ? undefined : this.entries[position - 1]?.location;
  }

  locationAt(position: number): RecordLocation | undefined {
    return this.entries[position - 1]?.location;
  }

  /** Newest first, from just below `cursor` (a position) or from the newest record. */
  query(filter: LineageFilter, cursor: number | undefined, limit: number): IndexPage {
    const match = matcher(filter);
    const positions: number[] = [];
    let position = Math.min(cursor === undefined ? this.entries.length : cursor - 1, this.entries.length);
    for (; position >= 1; position--) {
      const entry = this.entries[position - 1];
      if (!entry || !match(entry)) continue;
      if (positions.length === limit) return { positions, nextCursor: positions.at(-1)! };
      positions.push(position);
    }
    return { positions };
  }

  private intern(s: string): string {
    const known = this.interned.get(s);
    if (known !== undefined) return known;
    this.interned.set(s, s);
    return s;
  }
}

function matcher(f: LineageFilter): (e: Entry) => boolean {
  const from = f.from === undefined ? -Infinity : Date.parse(f.from);
  const to = f.to === undefined ? Infinity : Date.parse(f.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new AppError('BAD_REQUEST', 'The time range is not a pair of ISO 8601 times.');
  const wanted = [
    f.dataset === undefined ? undefined : `d:${f.dataset}`,
    f.table === undefined ? undefined : `t:${f.table}`,
    f.column === undefined ? undefined : `c:${f.column}`,
  ].filter((k): k is string => k !== undefined);
  return (e) =>
    (f.subject === undefined || e.subject === f.subject) &&
    (f.org === undefined || e.org === f.org) &&
    (f.decision === undefined || e.effect === f.decision) &&
    (f.code === undefined || e.code === f.code) &&
    (f.kind === undefined || e.kind === f.kind) &&
    e.timeMs >= from &&
    e.timeMs < to &&
    wanted.every((k) => e.keys.includes(k));
}
