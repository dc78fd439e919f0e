// The in-memory index behind the reviewer API's filters and the ε ledger: small per-record facts and where
// the record's line is, never the record itself, kept in typed columns with interned strings so that a log
// of years stays within tens of MiB, and exportable per segment for the sidecar files that let a store open
// without re-reading its sealed segments (segment-sidecar.ts).
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

export interface IndexPage {
  /** Positions of the matching records, newest first. */
  readonly positions: number[];
  /** Position to continue below, when more records may match. */
  readonly nextCursor?: number;
}

/** One record's ε charge, as the budget ledger counts it (dp/budget-ledger.ts). */
export interface EpsilonCharge {
  readonly subject: string;
  readonly kind: string;
  readonly epsilon: number;
  /** The datasets the record's budgetAfter names. */
  readonly datasets: readonly string[];
}

/** Effect column values: a hole is a position whose line could not be read as a record. */
const HOLE = 0;
const ALLOW = 1;
const DENY = 2;
/** String id 0 means "absent" (no code, no budgetAfter, no charge). */
const NONE = 0;

/**
 * A run of consecutive positions in portable form: string columns refer to `strings` (1-based; 0 is absent),
 * so a slice can be written to disk by one process and merged into another's string table.
 */
export interface IndexSlice {
  readonly count: number;
  readonly strings: readonly string[];
  /** 16 bytes per record: the UUID's bytes. */
  readonly ids: Uint8Array;
  readonly timeMs: Float64Array;
  readonly offset: Float64Array;
  readonly epsilon: Float64Array;
  readonly subject: Uint32Array;
  readonly org: Uint32Array;
  readonly kind: Uint32Array;
  readonly code: Uint32Array;
  /** The record's filter keys, as one interned JSON array (`d:ds`, `t:ds.tbl`, `t:tbl`, `c:ds.tbl.col`, `c:col`). */
  readonly keys: Uint32Array;
  /** The datasets of budgetAfter, as one interned JSON array, for a record that charged ε. */
  readonly budget: Uint32Array;
  readonly segment: Uint32Array;
  readonly length: Uint32Array;
  readonly effect: Uint8Array;
}

export const SLICE_FLOAT_COLUMNS = ['timeMs', 'offset', 'epsilon'] as const;
export const SLICE_STRING_COLUMNS = ['subject', 'org', 'kind', 'code', 'keys', 'budget'] as const;
export const SLICE_UINT_COLUMNS = ['segment', 'length'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const idBytes = (id: string): Buffer | undefined => (UUID.test(id) ? Buffer.from(id.replaceAll('-', ''), 'hex') : undefined);

export class ReviewerIndex {
  #size = 0;
  #capacity = 0;
  #ids = new Uint8Array(0);
  #timeMs = new Float64Array(0);
  #offset = new Float64Array(0);
  #epsilon = new Float64Array(0);
  #subject = new Uint32Array(0);
  #org = new Uint32Array(0);
  #kind = new Uint32Array(0);
  #code = new Uint32Array(0);
  #keys = new Uint32Array(0);
  #budget = new Uint32Array(0);
  #segment = new Uint32Array(0);
  #length = new Uint32Array(0);
  #effect = new Uint8Array(0);

  /** strings[id - 1]; subjects, orgs, kinds, codes and key sets repeat across records: one copy of each. */
  readonly #strings: string[] = [];
  readonly #stringIds = new Map<string, number>();
  /** A key set's parsed keys, by its string id, filled when a query first needs them. */
  readonly #keyLists = new Map<number, readonly string[]>();

  /** Open addressing, id bytes → position (0: empty slot); twice the positions, so probes stay short. */
  #table = new Int32Array(0);

  /** The record hashes of positions from #hashesFrom on: the active segment's, for its sidecar when it is sealed. */
  #hashesFrom = 1;
  #hashBytes = Buffer.alloc(0);
  /** Hashes kept, for positions #hashesFrom .. #hashesFrom + #hashCount - 1. */
  #hashCount = 0;
  /** Positions among them that are holes: a run holding one has no usable hashes. */
  readonly #hashGaps = new Set<number>();

  get size(): number {
    return this.#size;
  }

  add(position: number, record: LineageRecord, location: RecordLocation): void {
    const keys = new Set<string>();
    for (const c of record.inputs) {
      keys.add(`d:${c.dataset}`).add(`t:${c.dataset}.${c.table}`).add(`t:${c.table}`);
      keys.add(`c:${c.dataset}.${c.table}.${c.column}`).add(`c:${c.column}`);
    }
    const charged = record.protections?.epsilonCharged ?? 0;
    const i = this.#slot(position);
    idBytes(record.id)?.copy(this.#ids, i * 16);
    this.#timeMs[i] = Date.parse(record.time);
    this.#subject[i] = this.#intern(record.subject);
    this.#org[i] = this.#intern(record.org);
    this.#kind[i] = this.#intern(record.kind);
    this.#code[i] = record.decision.code === undefined ? NONE : this.#intern(record.decision.code);
    this.#effect[i] = record.decision.effect === 'allow' ? ALLOW : DENY;
    this.#keys[i] = this.#intern(JSON.stringify([...keys]));
    // Only what the ledger counts: a positive charge against the datasets budgetAfter names.
    const charges = charged > 0 && record.budgetAfter !== null;
    this.#epsilon[i] = charges ? charged : 0;
    this.#budget[i] = charges ? this.#intern(JSON.stringify(Object.keys(record.budgetAfter!))) : NONE;
    this.#segment[i] = location.segment;
    this.#offset[i] = location.offset;
    this.#length[i] = location.length;
    this.#remember(position);
    this.#keepHash(position, record.hash);
  }

  /** Keeps the positions in step with the chain for a line that is not a readable record. */
  addHole(position: number): void {
    const i = this.#slot(position);
    this.#effect[i] = HOLE;
    this.#keepHash(position, undefined);
  }

  locate(id: string): RecordLocation | undefined {
    const position = this.#find(id);
    return position === undefined ? undefined : this.locationAt(position);
  }

  locationAt(position: number): RecordLocation | undefined {
    const i = position - 1;
    if (!(i >= 0 && i < this.#size) || this.#effect[i] === HOLE) return undefined;
    return { segment: this.#segment[i]!, offset: this.#offset[i]!, length: this.#length[i]! };
  }

  /** Newest first, from just below `cursor` (a position) or from the newest record. */
  query(filter: LineageFilter, cursor: number | undefined, limit: number): IndexPage {
    const match = this.#matcher(filter);
    const positions: number[] = [];
    let position = Math.min(cursor === undefined ? this.#size : cursor - 1, this.#size);
    for (; position >= 1; position--) {
      if (!match(position - 1)) continue;
      if (positions.length === limit) return { positions, nextCursor: positions.at(-1)! };
      positions.push(position);
    }
    return { positions };
  }

  /** Every record that charged ε, oldest first. */
  *charges(): Generator<EpsilonCharge> {
    const datasets = new Map<number, readonly string[]>();
    for (let i = 0; i < this.#size; i++) {
      if (this.#effect[i] === HOLE || !(this.#epsilon[i]! > 0)) continue;
      const b = this.#budget[i]!;
      let list = datasets.get(b);
      if (!list) datasets.set(b, (list = JSON.parse(this.#string(b)!) as string[]));
      yield { subject: this.#string(this.#subject[i]!)!, kind: this.#string(this.#kind[i]!)!, epsilon: this.#epsilon[i]!, datasets: list };
    }
  }

  // ---- sidecars ----------------------------------------------------------------------------------------

  /** The positions from..to (inclusive) in portable form, with the string table they use. */
  slice(from: number, to: number): IndexSlice {
    if (!(from >= 1 && to <= this.#size && from <= to + 1)) throw new Error('reviewer index: slice out of range');
    const a = from - 1;
    const b = to;
    const local = new Map<number, number>();
    const strings: string[] = [];
    const remap = (column: Uint32Array): Uint32Array => {
      const out = column.slice(a, b);
      for (let i = 0; i < out.length; i++) {
        const id = out[i]!;
        if (id === NONE) continue;
        let l = local.get(id);
        if (l === undefined) {
          strings.push(this.#strings[id - 1]!);
          local.set(id, (l = strings.length));
        }
        out[i] = l;
      }
      return out;
    };
    return {
      count: b - a,
      strings,
      ids: this.#ids.slice(a * 16, b * 16),
      timeMs: this.#timeMs.slice(a, b),
      offset: this.#offset.slice(a, b),
      epsilon: this.#epsilon.slice(a, b),
      subject: remap(this.#subject),
      org: remap(this.#org),
      kind: remap(this.#kind),
      code: remap(this.#code),
      keys: remap(this.#keys),
      budget: remap(this.#budget),
      segment: this.#segment.slice(a, b),
      length: this.#length.slice(a, b),
      effect: this.#effect.slice(a, b),
    };
  }

  /** Appends a slice at the next positions (a sealed segment's entries loaded from its sidecar). */
  addSlice(slice: IndexSlice): void {
    const a = this.#size;
    const n = slice.count;
    if (n === 0) return;
    this.#slot(a + n);
    const ids = new Uint32Array(slice.strings.length + 1);
    for (const [l, s] of slice.strings.entries()) ids[l + 1] = this.#intern(s);
    for (const name of SLICE_STRING_COLUMNS) {
      const from = slice[name];
      const to = this.#columns()[name];
      for (let i = 0; i < n; i++) {
        const l = from[i]!;
        if (l >= ids.length) throw new Error('reviewer index: slice refers to a string it does not hold');
        to[a + i] = ids[l]!;
      }
    }
    for (const name of [...SLICE_FLOAT_COLUMNS, ...SLICE_UINT_COLUMNS] as const) this.#columns()[name].set(slice[name], a);
    this.#effect.set(slice.effect, a);
    this.#ids.set(slice.ids, a * 16);
    for (let i = 0; i < n; i++) if (slice.effect[i] !== HOLE) this.#remember(a + i + 1);
    // A loaded segment is sealed: the hashes kept for the active segment start after it.
    this.forgetHashesBefore(this.#size + 1);
  }

  /** The record hashes kept for positions from..to (the active segment's), or undefined if any is missing. */
  hashes(from: number, to: number): Buffer | undefined {
    if (from < this.#hashesFrom || to - this.#hashesFrom >= this.#hashCount || from > to + 1) return undefined;
    for (const gap of this.#hashGaps) if (gap >= from && gap <= to) return undefined;
    return Buffer.from(this.#hashBytes.subarray((from - this.#hashesFrom) * 32, (to - this.#hashesFrom + 1) * 32));
  }

  /** Stops keeping hashes before `position`: the segment that held them was sealed. */
  forgetHashesBefore(position: number): void {
    if (position <= this.#hashesFrom) return;
    const drop = Math.min(position - this.#hashesFrom, this.#hashCount);
    const keep = this.#hashBytes.subarray(drop * 32, this.#hashCount * 32);
    this.#hashBytes = Buffer.alloc(Math.max(keep.length * 2, 32 * 1024));
    keep.copy(this.#hashBytes);
    this.#hashCount -= drop;
    this.#hashesFrom = position;
    for (const gap of this.#hashGaps) if (gap < position) this.#hashGaps.delete(gap);
  }

  // ---- internals ---------------------------------------------------------------------------------------

  #columns() {
    return {
      timeMs: this.#timeMs,
      offset: this.#offset,
      epsilon: this.#epsilon,
      subject: this.#subject,
      org: this.#org,
      kind: this.#kind,
      code: this.#code,
      keys: this.#keys,
      budget: this.#budget,
      segment: this.#segment,
      length: this.#length,
    };
  }

  /** The array index of `position`, growing the columns to hold it. */
  #slot(position: number): number {
    if (!Number.isInteger(position) || position < 1) throw new Error('reviewer index: positions start at 1');
    if (position > this.#capacity) this.#grow(Math.max(position, this.#capacity * 2, 1024));
    this.#size = Math.max(this.#size, position);
    return position - 1;
  }

  #grow(capacity: number): void {
    const widen = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.#ids = widen(this.#ids, (n) => new Uint8Array(n), 16);
    this.#timeMs = widen(this.#timeMs, (n) => new Float64Array(n));
    this.#offset = widen(this.#offset, (n) => new Float64Array(n));
    this.#epsilon = widen(this.#epsilon, (n) => new Float64Array(n));
    this.#subject = widen(this.#subject, (n) => new Uint32Array(n));
    this.#org = widen(this.#org, (n) => new Uint32Array(n));
    this.#kind = widen(this.#kind, (n) => new Uint32Array(n));
    this.#code = widen(this.#code, (n) => new Uint32Array(n));
    this.#keys = widen(this.#keys, (n) => new Uint32Array(n));
    this.#budget = widen(this.#budget, (n) => new Uint32Array(n));
    this.#segment = widen(this.#segment, (n) => new Uint32Array(n));
    this.#length = widen(this.#length, (n) => new Uint32Array(n));
    this.#effect = widen(this.#effect, (n) => new Uint8Array(n));
    this.#capacity = capacity;
    // At most half full, so that probes stay short; rebuilt only when the positions outgrow it.
    if (this.#table.length < capacity * 2) this.#rehash(capacity * 2);
  }

  #rehash(slots: number): void {
    let size = 1024;
    while (size < slots) size *= 2;
    this.#table = new Int32Array(size);
    for (let p = 1; p <= this.#size; p++) if (this.#effect[p - 1] !== HOLE) this.#remember(p);
  }

  /** The slot of id bytes at `bytesAt` in `bytes`: the last four bytes are random in a UUIDv7. */
  #probe(bytes: Uint8Array, bytesAt: number): number {
    const mask = this.#table.length - 1;
    let h = ((bytes[bytesAt + 12]! << 24) | (bytes[bytesAt + 13]! << 16) | (bytes[bytesAt + 14]! << 8) | bytes[bytesAt + 15]!) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    let slot = h & mask;
    for (;;) {
      const p = this.#table[slot]!;
      if (p === 0 || this.#sameId(p - 1, bytes, bytesAt)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  #sameId(i: number, bytes: Uint8Array, at: number): boolean {
    for (let k = 0; k < 16; k++) if (this.#ids[i * 16 + k] !== bytes[at + k]) return false;
    return true;
  }

  #remember(position: number): void {
    const slot = this.#probe(this.#ids, (position - 1) * 16);
    // A repeated id (only in a tampered log) keeps pointing at the first record that had it.
    if (this.#table[slot] === 0) this.#table[slot] = position;
  }

  #find(id: string): number | undefined {
    const bytes = idBytes(id);
    if (!bytes || this.#table.length === 0) return undefined;
    const p = this.#table[this.#probe(bytes, 0)]!;
    return p === 0 ? undefined : p;
  }

  #keepHash(position: number, hash: string | undefined): void {
    const at = position - this.#hashesFrom;
    if (at < 0 || at > this.#hashCount) return;
    if ((at + 1) * 32 > this.#hashBytes.length) {
      const wider = Buffer.alloc(Math.max((at + 1) * 64, 32 * 1024));
      this.#hashBytes.copy(wider);
      this.#hashBytes = wider;
    }
    // Only a whole run of known hashes is of use for a sidecar; a hole spoils the run it is in.
    if (hash !== undefined && /^[0-9a-f]{64}$/.test(hash)) {
      this.#hashBytes.write(hash, at * 32, 32, 'hex');
      this.#hashGaps.delete(position);
    } else {
      this.#hashGaps.add(position);
    }
    this.#hashCount = Math.max(this.#hashCount, at + 1);
  }

  #intern(s: string): number {
    const known = this.#stringIds.get(s);
    if (known !== undefined) return known;
    this.#strings.push(s);
    this.#stringIds.set(s, this.#strings.length);
    return this.#strings.length;
  }

  #string(id: number): string | undefined {
    return id === NONE ? undefined : this.#strings[id - 1];
  }

  #keyList(id: number): readonly string[] {
    let list = this.#keyLists.get(id);
    if (!list) this.#keyLists.set(id, (list = JSON.parse(this.#string(id) ?? '[]') as string[]));
    return list;
  }

  #matcher(f: LineageFilter): (i: number) => boolean {
    const from = f.from === undefined ? -Infinity : Date.parse(f.from);
    const to = f.to === undefined ? Infinity : Date.parse(f.to);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new AppError('BAD_REQUEST', 'The time range is not a pair of ISO 8601 times.');
    const wanted = [
      f.dataset === undefined ? undefined : `d:${f.dataset}`,
      f.table === undefined ? undefined : `t:${f.table}`,
      f.column === undefined ? undefined : `c:${f.column}`,
    ].filter((k): k is string => k !== undefined);
    // A string no record holds matches nothing: -1 is never a string id.
    const idOf = (s: string | undefined): number | undefined => (s === undefined ? undefined : (this.#stringIds.get(s) ?? -1));
    const subject = idOf(f.subject);
    const org = idOf(f.org);
    const code = idOf(f.code);
    const kind = idOf(f.kind);
    const effect = f.decision === undefined ? undefined : f.decision === 'allow' ? ALLOW : DENY;
    const keySets = new Map<number, boolean>();
    const keysMatch = (id: number): boolean => {
      let ok = keySets.get(id);
      if (ok === undefined) {
        const list = this.#keyList(id);
        keySets.set(id, (ok = wanted.every((k) => list.includes(k))));
      }
      return ok;
    };
    return (i) =>
      this.#effect[i] !== HOLE &&
      (subject === undefined || this.#subject[i] === subject) &&
      (org === undefined || this.#org[i] === org) &&
      (effect === undefined || this.#effect[i] === effect) &&
      (code === undefined || this.#code[i] === code) &&
      (kind === undefined || this.#kind[i] === kind) &&
      this.#timeMs[i]! >= from &&
      this.#timeMs[i]! < to &&
      (wanted.length === 0 || keysMatch(this.#keys[i]!));
  }
}
