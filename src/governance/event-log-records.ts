// Which governance events have their lineage record. A transition is fsync'd to the governance log first and
// recorded in lineage after, so a crash in between leaves a transition without a record: each record names
// the events it covers, and at startup every event no record names gets one, marked as recovered.
import type { Principal } from '../auth/principal.ts';
import type { LineageStore } from '../lineage/store.ts';
import type { GovernanceEvent, GovernanceEventLog } from './event-log.ts';
import { governanceLineageEntry, type GovernanceLineageContext } from './lineage-entry.ts';

/**
 * Hands each lineage record the events its transition wrote. Transitions append synchronously and record
 * right after, but some (a catalog change being applied) await in between, so a record claims the
 * unclaimed events of its own actor rather than simply the newest ones.
 */
export class EventRecordClaims {
  readonly #log: GovernanceEventLog;
  /** Every event up to this seq is claimed (or predates this process: recovery looks after those). */
  #claimedThrough: number;
  readonly #claimed = new Set<number>();

  constructor(log: GovernanceEventLog) {
    this.#log = log;
    this.#claimedThrough = log.events.length;
  }

  claim(actor: string): number[] {
    const seqs: number[] = [];
    for (const ev of this.#log.events.slice(this.#claimedThrough)) {
      if (ev.actor.sub !== actor || this.#claimed.has(ev.seq)) continue;
      this.#claimed.add(ev.seq);
      seqs.push(ev.seq);
    }
    while (this.#claimed.delete(this.#claimedThrough + 1)) this.#claimedThrough += 1;
    return seqs;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The datasets an event concerns, from the fields the state machines write. Only names and the stated reason
 * are taken from an event: its request may hold an objector's contact details, which never reach lineage.
 */
function datasetsOf(ev: GovernanceEvent): string[] {
  const d = ev.data;
  const req = (typeof d['request'] === 'object' && d['request'] !== null ? d['request'] : {}) as Record<string, unknown>;
  const scope = (typeof req['scope'] === 'object' && req['scope'] !== null ? req['scope'] : {}) as Record<string, unknown>;
  const named = [...strings(d['datasets']), ...strings(scope['datasets'])];
  for (const v of [req['dataset'], d['dataset']]) if (typeof v === 'string') named.push(v);
  return [...new Set(named)];
}

/**
 * Writes a record, marked recovered, for every event of the log that no governance record names; resolves to
 * their seqs. Records written before records named their events cover every event up to the newest of them.
 */
export async function recordMissingTransitions(events: readonly GovernanceEvent[], lineage: LineageStore, context: GovernanceLineageContext): Promise<number[]> {
  const covered = new Set<number>();
  let legacyUntil = '';
  let cursor: string | undefined;
  do {
    const page = await lineage.list({ kind: 'governance' }, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.records) {
      if (r.governance) for (const seq of r.governance.events) covered.add(seq);
      else if (r.time > legacyUntil) legacyUntil = r.time;
    }
    cursor = page.nextCursor;
  } while (cursor);

  const recovered: number[] = [];
  for (const ev of events) {
    if (covered.has(ev.seq) || ev.time <= legacyUntil) continue;
    // Who acted is known from the event; their roles and token id were not logged, so they stay empty.
    const by: Principal = { sub: ev.actor.sub, org: ev.actor.org, roles: [], datasets: [], jti: '', exp: 0 };
    const reason = typeof ev.data['reason'] === 'string' ? ev.data['reason'] : null;
    const entry = governanceLineageEntry(by, {
      action: ev.type, reason, application: ev.type.startsWith('application.') ? ev.subject : null,
      datasets: datasetsOf(ev), events: [ev.seq], recovered: true,
    }, context);
    await lineage.append({ ...entry, licenseId: null });
    recovered.push(ev.seq);
  }
  return recovered;
}
