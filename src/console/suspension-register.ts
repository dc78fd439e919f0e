// The suspended and withdrawn datasets with who decided it, why and since when. Whether a dataset is
// suspended comes from the live governance status board; who/why/since is the last event of the governance
// event log (read only, from its file, only the new lines on each visit) that set that status. Which event
// sets which status is asked of DatasetStatusBoard itself (probe boards), so that rule stays in one place
// (governance/dataset-status.ts).
import fs from 'node:fs';
import path from 'node:path';
import { type } from 'arktype';
import { makeCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/schema.ts';
import { DatasetStatusBoard, type DatasetStatus } from '../governance/dataset-status.ts';
import { GovernanceEventSchema, type GovernanceEvent } from '../governance/event-log.ts';

/** Where governance/governance.ts's openGovernance keeps the event log, under $DSBX_HOME/state. */
export const GOVERNANCE_LOG_FILE = 'governance.ndjson';

export interface SuspensionNote {
  readonly dataset: string;
  readonly status: Extract<DatasetStatus, 'suspended' | 'withdrawn'>;
  /** How it came about: a steward's objection resolution, an admin's incident response, or dataset.yaml itself. */
  readonly source: 'objection' | 'incident' | 'catalog';
  /** Absent when no event in the log explains the status (the catalog entry says so, or the log is unreadable). */
  readonly since?: string;
  readonly by?: { readonly sub: string; readonly org: string };
  readonly reason?: string;
}

const isOff = (s: DatasetStatus | undefined): s is SuspensionNote['status'] => s === 'suspended' || s === 'withdrawn';
const sourceOf = (ev: GovernanceEvent): SuspensionNote['source'] => (ev.type.startsWith('incident.') ? 'incident' : 'objection');

/** Folds governance events, one at a time, into "the event that last switched each dataset off". */
export class SuspensionFold {
  readonly #catalog: Catalog;
  readonly #probes: { readonly active: Catalog; readonly suspended: Catalog };
  readonly #lastOff = new Map<string, { readonly ev: GovernanceEvent; readonly status: DatasetStatus }>();

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
    this.#probes = {
      active: makeCatalog(catalog.datasets.map((d) => ({ ...d, status: 'active' as const }))),
      suspended: makeCatalog(catalog.datasets.map((d) => ({ ...d, status: 'suspended' as const }))),
    };
  }

  /**
   * What status `ev` sets for `dataset`, if any, as DatasetStatusBoard decides it: an event that makes an
   * all-active catalog's dataset off sets "off"; one that makes an all-suspended catalog's dataset active sets
   * "active". Events that set nothing (applications, catalog changes, filings) leave the attribution alone.
   */
  #statusSetBy(ev: GovernanceEvent, dataset: string): DatasetStatus | undefined {
    const fromActive = new DatasetStatusBoard(this.#probes.active, [ev]).status(dataset);
    if (fromActive !== 'active') return fromActive;
    return new DatasetStatusBoard(this.#probes.suspended, [ev]).status(dataset) === 'active' ? 'active' : undefined;
  }

  add(ev: GovernanceEvent): void {
    const named = Array.isArray(ev.data['datasets']) ? (ev.data['datasets'] as unknown[]).filter((d): d is string => typeof d === 'string') : [];
    for (const d of named) {
      const set = this.#statusSetBy(ev, d);
      if (isOff(set)) this.#lastOff.set(d, { ev, status: set });
      else if (set === 'active') this.#lastOff.delete(d);
    }
  }

  /** The datasets `current` reports suspended or withdrawn that `visible` admits, with their event when known. */
  notes(current: (dataset: string) => DatasetStatus | undefined, visible: (dataset: string) => boolean): SuspensionNote[] {
    const notes: SuspensionNote[] = [];
    for (const ds of this.#catalog.datasets) {
      const status = current(ds.id);
      if (!isOff(status) || !visible(ds.id)) continue;
      const last = this.#lastOff.get(ds.id);
      // The event explains the status only if it set this very status (the live board may be newer than the file read).
      if (!last || last.status !== status) {
        notes.push({ dataset: ds.id, status, source: last ? sourceOf(last.ev) : 'catalog' });
        continue;
      }
      const reason = last.ev.data['reason'];
      notes.push({
        dataset: ds.id,
        status,
        source: sourceOf(last.ev),
        since: last.ev.time,
        by: { sub: last.ev.actor.sub, org: last.ev.actor.org },
        ...(typeof reason === 'string' ? { reason } : {}),
      });
    }
    return notes;
  }
}

/** The suspension notes of a whole list of events (for tests and one-off reads). */
export function suspendedDatasets(
  catalog: Catalog,
  current: (dataset: string) => DatasetStatus | undefined,
  events: readonly GovernanceEvent[],
  visible: (dataset: string) => boolean,
): SuspensionNote[] {
  const fold = new SuspensionFold(catalog);
  for (const ev of events) fold.add(ev);
  return fold.notes(current, visible);
}

const NEWLINE = 0x0a;

/**
 * Reads the governance log file as it grows, read only: each call returns the complete, valid events appended
 * since the last one. The service appends to the same file, so a last line without its newline (being written)
 * waits for the next call, and reading stops at a line that is not the next valid event (the service itself
 * would refuse to start on such a log). A file that shrank was replaced: the caller starts over (`restarted`).
 */
export class GovernanceLogTail {
  readonly #file: string;
  #offset = 0;
  #seq = 0;

  constructor(stateDir: string) {
    this.#file = path.join(stateDir, GOVERNANCE_LOG_FILE);
  }

  next(): { readonly restarted: boolean; readonly events: GovernanceEvent[] } {
    let size: number;
    try {
      size = fs.statSync(this.#file).size;
    } catch {
      return { restarted: false, events: [] };
    }
    const restarted = size < this.#offset;
    if (restarted) {
      this.#offset = 0;
      this.#seq = 0;
    }
    if (size === this.#offset) return { restarted, events: [] };
    const buf = Buffer.alloc(size - this.#offset);
    const fd = fs.openSync(this.#file, 'r');
    let read: number;
    try {
      read = fs.readSync(fd, buf, 0, buf.length, this.#offset);
    } finally {
      fs.closeSync(fd);
    }
    // A newline byte never occurs inside a UTF-8 sequence: cutting there cuts between whole characters.
    const end = buf.subarray(0, read).lastIndexOf(NEWLINE) + 1;
    const events: GovernanceEvent[] = [];
    let consumed = 0;
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      const bytes = Buffer.byteLength(line, 'utf8') + 1;
      if (consumed + bytes > end) break;
      if (line) {
        const ev = parseEvent(line);
        if (!ev || ev.seq !== this.#seq + 1) break;
        this.#seq = ev.seq;
        events.push(ev);
      }
      consumed += bytes;
    }
    this.#offset += consumed;
    return { restarted, events };
  }
}

function parseEvent(line: string): GovernanceEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const ev = GovernanceEventSchema(parsed);
  return ev instanceof type.errors ? undefined : ev;
}

/** Every complete, valid event of the log in `stateDir`, oldest first (a one-off read). */
export const readGovernanceEvents = (stateDir: string): GovernanceEvent[] => new GovernanceLogTail(stateDir).next().events;

/** What the Queues page asks on each visit: the log's new events folded in, then the notes. */
export class SuspensionRegister {
  readonly #catalog: Catalog;
  readonly #tail: GovernanceLogTail;
  #fold: SuspensionFold;

  constructor(catalog: Catalog, stateDir: string) {
    this.#catalog = catalog;
    this.#tail = new GovernanceLogTail(stateDir);
    this.#fold = new SuspensionFold(catalog);
  }

  notes(current: (dataset: string) => DatasetStatus | undefined, visible: (dataset: string) => boolean): SuspensionNote[] {
    const { restarted, events } = this.#tail.next();
    if (restarted) this.#fold = new SuspensionFold(this.#catalog);
    for (const ev of events) this.#fold.add(ev);
    return this.#fold.notes(current, visible);
  }
}
