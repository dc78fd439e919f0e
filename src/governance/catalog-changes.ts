// Catalog change proposals (Measures art. 8) as a state machine replayed from the governance event log: a
// steward of the providing organisation proposes edits to a dataset entry; the data management department
// (admin) approves or rejects within 5 working days; an approved change is applied within 10 working days,
// which makes a new catalog version. The log also holds the catalog's version numbers, so they survive restarts.
import crypto from 'node:crypto';
import { type } from 'arktype';
import { hasRole, type Principal } from '../auth/principal.ts';
import type { Catalog, Dataset } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import { applyCatalogEdits, CatalogEditSchema, type CatalogEdit } from './catalog-changes-edit.ts';
import type { GovernanceEvent, GovernanceEventLog } from './event-log.ts';
import type { WorkingDayCalendar } from './working-days.ts';

/** Art. 8: the department reviews a proposed change within five working days… */
export const REVIEW_WORKING_DAYS = 5;
/** …and the provider updates the catalog within ten working days of the approval. */
export const UPDATE_WORKING_DAYS = 10;

export const CatalogChangeRequestSchema = type({
  dataset: /^[a-z][a-z0-9_]*$/,
  reason: '0 < string <= 1000',
  edits: CatalogEditSchema.array().atLeastLength(1).atMostLength(50),
  '+': 'reject',
});
export type CatalogChangeRequest = typeof CatalogChangeRequestSchema.infer;

export const CatalogChangeReviewSchema = type({ decision: "'approve' | 'reject'", 'reason?': '0 < string <= 1000', '+': 'reject' });

export type CatalogChangeState = 'proposed' | 'approved' | 'rejected' | 'applied';

export interface CatalogChange {
  readonly id: string;
  readonly dataset: string;
  readonly provider: string;
  readonly proposer: { readonly sub: string; readonly org: string };
  readonly reason: string;
  readonly edits: readonly CatalogEdit[];
  readonly state: CatalogChangeState;
  readonly proposedAt: string;
  readonly reviewDeadline: string;
  readonly review: { readonly by: string; readonly decision: 'approve' | 'reject'; readonly reason: string | null; readonly at: string } | null;
  /** Set once approved: the last local date on which applying it is on time. */
  readonly updateDeadline: string | null;
  readonly applied: { readonly by: string; readonly at: string; readonly version: number; readonly hash: string } | null;
}

export const CatalogChangeViewSchema = type({
  id: 'string',
  dataset: 'string',
  provider: 'string',
  proposer: { sub: 'string', org: 'string', '+': 'delete' },
  reason: 'string',
  edits: CatalogEditSchema.array(),
  state: "'proposed' | 'approved' | 'rejected' | 'applied'",
  proposedAt: 'string',
  reviewDeadline: 'string',
  review: type({ by: 'string', decision: "'approve' | 'reject'", reason: 'string | null', at: 'string', '+': 'delete' }).or('null'),
  updateDeadline: 'string | null',
  applied: type({ by: 'string', at: 'string', version: 'number', catalogVersion: 'string', '+': 'delete' }).or('null'),
  overdue: 'boolean',
  '+': 'delete',
});
export type CatalogChangeView = typeof CatalogChangeViewSchema.infer;

export interface CatalogChangeTransition {
  readonly change: CatalogChange;
  readonly action: string;
  readonly reason: string | null;
}

/** A catalog version as the log records it. */
export interface RecordedVersion {
  readonly version: number;
  readonly hash: string;
}

/** Event types that name a catalog version in `data.version` / `data.hash`. */
const VERSION_EVENTS = new Set(['catalog.change_applied', 'catalog.reloaded', 'catalog.versioned']);

const conflict = (c: CatalogChange, wanted: string): AppError =>
  new AppError('CONFLICT', `the catalog change cannot be ${wanted} in its current state`, { state: c.state, id: c.id });

export class CatalogChangeBook {
  readonly #log: GovernanceEventLog;
  readonly #calendar: WorkingDayCalendar;
  readonly #catalog: Catalog;
  readonly #changes = new Map<string, CatalogChange>();
  /** Applied changes, in the order they were applied: re-applied in this order over reloaded files. */
  readonly #appliedOrder: string[] = [];
  #version: RecordedVersion | undefined;

  /** `catalog` is the live catalog: proposals are checked against whatever version is current. */
  constructor(log: GovernanceEventLog, calendar: WorkingDayCalendar, catalog: Catalog) {
    this.#log = log;
    this.#calendar = calendar;
    this.#catalog = catalog;
    for (const ev of log.events) if (ev.type.startsWith('catalog.')) this.#apply(ev);
  }

  #apply(ev: GovernanceEvent): CatalogChange | undefined {
    const d = ev.data as Record<string, unknown>;
    if (VERSION_EVENTS.has(ev.type)) this.#version = { version: d['version'] as number, hash: d['hash'] as string };
    if (!ev.type.startsWith('catalog.change_')) return undefined;
    const prev = this.#changes.get(ev.subject);
    let next: CatalogChange;
    switch (ev.type) {
      case 'catalog.change_proposed': {
        const req = CatalogChangeRequestSchema.assert(d['request']);
        next = {
          id: ev.subject, dataset: req.dataset, provider: d['provider'] as string,
          proposer: { sub: ev.actor.sub, org: ev.actor.org }, reason: req.reason, edits: req.edits,
          state: 'proposed', proposedAt: ev.time,
          reviewDeadline: this.#calendar.deadline(new Date(ev.time), REVIEW_WORKING_DAYS),
          review: null, updateDeadline: null, applied: null,
        };
        break;
      }
      case 'catalog.change_approved':
      case 'catalog.change_rejected': {
        const decision = ev.type === 'catalog.change_approved' ? 'approve' : 'reject';
        next = {
          ...prev!,
          state: decision === 'approve' ? 'approved' : 'rejected',
          review: { by: ev.actor.sub, decision, reason: (d['reason'] as string | undefined) ?? null, at: ev.time },
          updateDeadline: decision === 'approve' ? this.#calendar.deadline(new Date(ev.time), UPDATE_WORKING_DAYS) : null,
        };
        break;
      }
      case 'catalog.change_applied':
        next = { ...prev!, state: 'applied', applied: { by: ev.actor.sub, at: ev.time, version: d['version'] as number, hash: d['hash'] as string } };
        this.#appliedOrder.push(ev.subject);
        break;
      default:
        throw new Error(`unknown catalog change event ${ev.type}`);
    }
    this.#changes.set(ev.subject, next);
    return next;
  }

  #record(type: string, subject: string, by: { sub: string; org: string }, data: Record<string, unknown>, now: Date): CatalogChange | undefined {
    return this.#apply(this.#log.append({ type, subject, actor: { sub: by.sub, org: by.org }, data }, now));
  }

  /** A steward of the providing organisation proposes; the edits must yield a valid entry of the current catalog. */
  propose(by: Principal, req: CatalogChangeRequest, now = new Date()): CatalogChangeTransition {
    const ds = this.#catalog.dataset(req.dataset);
    if (!ds) throw new AppError('BAD_REQUEST', 'the change names a dataset that is not in the catalog', { violations: [{ rule: 'CATALOG_CHANGE_UNKNOWN_TARGET', message: 'unknown dataset' }] });
    if (!hasRole(by, 'steward') || by.org !== ds.provider.id) throw new AppError('FORBIDDEN', 'only a steward of the providing organisation proposes catalog changes');
    applyCatalogEdits(this.#catalog.datasets, ds.id, req.edits);
    const id = crypto.randomUUID();
    const change = this.#record('catalog.change_proposed', id, by, { provider: ds.provider.id, request: req }, now)!;
    return { change, action: 'catalog.change_proposed', reason: req.reason };
  }

  /** The data management department approves or rejects (a rejection needs a reason). */
  review(by: Principal, id: string, decision: 'approve' | 'reject', reason: string | undefined, now = new Date()): CatalogChangeTransition {
    const c = this.#visible(by, id);
    if (!hasRole(by, 'admin')) throw new AppError('FORBIDDEN', 'only the data management department reviews catalog changes');
    if (c.state !== 'proposed') throw conflict(c, 'reviewed');
    if (decision === 'reject' && !reason) throw new AppError('BAD_REQUEST', 'a rejection requires a reason');
    const type = decision === 'approve' ? 'catalog.change_approved' : 'catalog.change_rejected';
    return { change: this.#record(type, id, by, reason ? { reason } : {}, now)!, action: type, reason: reason ?? null };
  }

  /**
   * The datasets the current catalog would have with an approved change applied, for the caller to build
   * and install a new version from; nothing is recorded yet. The provider's steward or an admin applies.
   */
  candidate(by: Principal, id: string): Dataset[] {
    const c = this.#visible(by, id);
    if (!hasRole(by, 'admin') && !(hasRole(by, 'steward') && by.org === c.provider)) {
      throw new AppError('FORBIDDEN', 'only a steward of the providing organisation or an admin applies a catalog change');
    }
    if (c.state !== 'approved') throw conflict(c, 'applied');
    return applyCatalogEdits(this.#catalog.datasets, c.dataset, c.edits);
  }

  /** Records that the approved change is now in the catalog as `version`. */
  markApplied(by: Principal, id: string, version: RecordedVersion, now = new Date()): CatalogChangeTransition {
    const c = this.#visible(by, id);
    if (c.state !== 'approved') throw conflict(c, 'applied');
    const change = this.#record('catalog.change_applied', id, by, { version: version.version, hash: version.hash, datasets: [c.dataset] }, now)!;
    return { change, action: 'catalog.change_applied', reason: c.reason };
  }

  /** `base` (the datasets as the files define them) with every applied change re-applied in order. */
  reapply(base: readonly Dataset[]): Dataset[] {
    let datasets = [...base];
    for (const id of this.#appliedOrder) {
      const c = this.#changes.get(id)!;
      try {
        datasets = applyCatalogEdits(datasets, c.dataset, c.edits, { lenient: true });
      } catch (e) {
        // Name the change that no longer fits the files, so that whoever edited them knows what to reconcile.
        if (e instanceof AppError) throw new AppError(e.code, 'an applied catalog change no longer fits the catalog files', { ...e.details, change: id, dataset: c.dataset });
        throw e;
      }
    }
    return datasets;
  }

  /** The last catalog version the log records, if any. */
  recordedVersion(): RecordedVersion | undefined {
    return this.#version;
  }

  /** Records a new catalog version made by a reload (or found at startup) rather than by a change. */
  recordVersion(by: { sub: string; org: string }, cause: 'catalog.reloaded' | 'catalog.versioned', version: RecordedVersion, now = new Date()): void {
    this.#record(cause, 'catalog', by, { version: version.version, hash: version.hash }, now);
  }

  get(id: string): CatalogChange | undefined {
    return this.#changes.get(id);
  }

  /** An admin sees every change; a steward their organisation's. */
  visibleTo(p: Principal, c: CatalogChange): boolean {
    return hasRole(p, 'admin') || (hasRole(p, 'steward') && c.provider === p.org);
  }

  list(p: Principal): CatalogChange[] {
    return [...this.#changes.values()].filter((c) => this.visibleTo(p, c));
  }

  #visible(by: Principal, id: string): CatalogChange {
    const c = this.#changes.get(id);
    if (!c || !this.visibleTo(by, c)) throw new AppError('NOT_FOUND', 'no such catalog change');
    return c;
  }

  /** Proposed past the review deadline, or approved past the update deadline. */
  isOverdue(c: CatalogChange, now = new Date()): boolean {
    return (
      (c.state === 'proposed' && this.#calendar.isOverdue(c.reviewDeadline, now)) ||
      (c.state === 'approved' && c.updateDeadline !== null && this.#calendar.isOverdue(c.updateDeadline, now))
    );
  }

  /** How many changes are overdue now (the dsbx_governance_overdue gauge). */
  overdueCount(now = new Date()): number {
    let n = 0;
    for (const c of this.#changes.values()) if (this.isOverdue(c, now)) n++;
    return n;
  }

  view(c: CatalogChange, now = new Date()): CatalogChangeView {
    const overdue = this.isOverdue(c, now);
    return {
      id: c.id, dataset: c.dataset, provider: c.provider, proposer: { ...c.proposer }, reason: c.reason,
      edits: c.edits.map((e) => ({ ...e })),
      state: c.state, proposedAt: c.proposedAt, reviewDeadline: c.reviewDeadline,
      review: c.review ? { ...c.review } : null,
      updateDeadline: c.updateDeadline,
      applied: c.applied ? { by: c.applied.by, at: c.applied.at, version: c.applied.version, catalogVersion: `v${c.applied.version}:${c.applied.hash}` } : null,
      overdue,
    };
  }
}
