// Conditional-share applications (Measures arts. 14–15) as a state machine replayed from the governance
// event log: submitted → approved | denied by the providing organisation's steward (one working day);
// a denied applicant may ask the data management department (admin) to coordinate, who grants or upholds.
import crypto from 'node:crypto';
import { type } from 'arktype';
import { hasRole, type Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import type { GovernanceEvent, GovernanceEventLog } from './event-log.ts';
import type { WorkingDayCalendar } from './working-days.ts';

/** Art. 15: the provider answers within one working day. */
export const RESPONSE_WORKING_DAYS = 1;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const reason = '0 < string <= 1000';

export const ApplicationRequestSchema = type({
  legalBasis: '0 < string <= 500',
  purpose: '0 < string <= 500',
  scope: {
    datasets: type(/^[a-z][a-z0-9_]*$/).array().atLeastLength(1),
    /** `dataset.table` */
    tables: type(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/).array().atLeastLength(1),
    /** `dataset.table.column`: every column the applicant means to use, listed (there is no wildcard). */
    columns: type(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/).array().atLeastLength(1),
    '+': 'reject',
  },
  method: "'aggregate' | 'rows'",
  period: { from: isoDate, to: isoDate, '+': 'reject' },
  '+': 'reject',
});
export type ApplicationRequest = typeof ApplicationRequestSchema.infer;

export const DecisionRequestSchema = type({ decision: "'approve' | 'deny'", 'reason?': reason, '+': 'reject' });
export const CoordinationRequestSchema = type({ reason, '+': 'reject' });
export const CoordinationDecisionSchema = type({ decision: "'grant' | 'uphold'", reason, '+': 'reject' });

export type ApplicationState = 'pending' | 'approved' | 'denied' | 'coordination_requested' | 'coordination_granted' | 'coordination_upheld';

export interface Application {
  readonly id: string;
  readonly applicant: { readonly sub: string; readonly org: string };
  readonly provider: string;
  readonly request: ApplicationRequest;
  readonly state: ApplicationState;
  readonly submittedAt: string;
  /** The local date by which the provider must answer. */
  readonly deadline: string;
  readonly decidedAt: string | null;
  readonly reason: string | null;
  readonly coordination: { readonly requestedAt: string; readonly reason: string; readonly decidedAt: string | null; readonly outcome: 'grant' | 'uphold' | null; readonly decisionReason: string | null } | null;
}

export const ApplicationViewSchema = type({
  id: 'string',
  applicant: { sub: 'string', org: 'string', '+': 'delete' },
  provider: 'string',
  legalBasis: 'string',
  purpose: 'string',
  scope: { datasets: 'string[]', tables: 'string[]', columns: 'string[]', '+': 'delete' },
  method: "'aggregate' | 'rows'",
  period: { from: 'string', to: 'string', '+': 'delete' },
  state: "'pending' | 'approved' | 'denied' | 'coordination_requested' | 'coordination_granted' | 'coordination_upheld'",
  submittedAt: 'string',
  deadline: 'string',
  overdue: 'boolean',
  decidedAt: 'string | null',
  reason: 'string | null',
  coordination: type({
    requestedAt: 'string',
    reason: 'string',
    decidedAt: 'string | null',
    outcome: "'grant' | 'uphold' | null",
    decisionReason: 'string | null',
    '+': 'delete',
  }).or('null'),
  '+': 'delete',
});
export type ApplicationView = typeof ApplicationViewSchema.infer;

/** What a transition did, for the lineage record: the action, who, and the reason (never contact data). */
export interface Transition {
  readonly application: Application;
  readonly action: string;
  readonly reason: string | null;
}

const conflict = (a: Application, wanted: string): AppError =>
  new AppError('CONFLICT', `the application cannot be ${wanted} in its current state`, { state: a.state, id: a.id });

export class ApplicationBook {
  readonly #log: GovernanceEventLog;
  readonly #calendar: WorkingDayCalendar;
  readonly #catalog: Catalog;
  readonly #apps = new Map<string, Application>();

  constructor(log: GovernanceEventLog, calendar: WorkingDayCalendar, catalog: Catalog) {
    this.#log = log;
    this.#calendar = calendar;
    this.#catalog = catalog;
    for (const ev of log.events) if (ev.type.startsWith('application.')) this.#apply(ev);
  }

  /** Folds one event into the state; the log only ever holds events that were legal when written. */
  #apply(ev: GovernanceEvent): Application {
    const d = ev.data as Record<string, unknown>;
    const prev = this.#apps.get(ev.subject);
    let next: Application;
    switch (ev.type) {
      case 'application.submitted':
        next = {
          id: ev.subject,
          applicant: { sub: ev.actor.sub, org: ev.actor.org },
          provider: d['provider'] as string,
          request: ApplicationRequestSchema.assert(d['request']),
          state: 'pending',
          submittedAt: ev.time,
          deadline: this.#calendar.deadline(new Date(ev.time), RESPONSE_WORKING_DAYS),
          decidedAt: null,
          reason: null,
          coordination: null,
        };
        break;
      case 'application.approved':
      case 'application.denied':
        next = { ...prev!, state: ev.type === 'application.approved' ? 'approved' : 'denied', decidedAt: ev.time, reason: (d['reason'] as string | undefined) ?? null };
        break;
      case 'application.coordination_requested':
        next = { ...prev!, state: 'coordination_requested', coordination: { requestedAt: ev.time, reason: d['reason'] as string, decidedAt: null, outcome: null, decisionReason: null } };
        break;
      case 'application.coordination_granted':
      case 'application.coordination_upheld': {
        const outcome = ev.type === 'application.coordination_granted' ? 'grant' : 'uphold';
        next = {
          ...prev!,
          state: outcome === 'grant' ? 'coordination_granted' : 'coordination_upheld',
          coordination: { ...prev!.coordination!, decidedAt: ev.time, outcome, decisionReason: d['reason'] as string },
        };
        break;
      }
      default:
        throw new Error(`unknown application event ${ev.type}`);
    }
    this.#apps.set(ev.subject, next);
    return next;
  }

  #record(type: string, subject: string, by: Principal, data: Record<string, unknown>, now: Date): Application {
    return this.#apply(this.#log.append({ type, subject, actor: { sub: by.sub, org: by.org }, data }, now));
  }

  /** Checks the scope against the catalog: known, nested, conditional or `none`, one provider. */
  #providerOf(req: ApplicationRequest): string {
    const bad = (message: string) => new AppError('BAD_REQUEST', message);
    const providers = new Set<string>();
    for (const id of req.scope.datasets) {
      const ds = this.#catalog.dataset(id);
      if (!ds) throw bad('the scope names a dataset that is not in the catalog');
      if (ds.share.type === 'unconditional') throw bad('an unconditionally shared dataset needs no application');
      providers.add(ds.provider.id);
    }
    if (providers.size !== 1) throw bad('one application covers the datasets of one providing organisation');
    for (const t of req.scope.tables) {
      const [ds, table] = t.split('.') as [string, string];
      if (!req.scope.datasets.includes(ds) || !this.#catalog.table(ds, table)) throw bad('the scope names a table outside its datasets');
    }
    for (const c of req.scope.columns) {
      const [ds, table, column] = c.split('.') as [string, string, string];
      const found = req.scope.tables.includes(`${ds}.${table}`) ? this.#catalog.table(ds, table) : undefined;
      if (!found?.table.columns.some((col) => col.name === column)) throw bad('the scope names a column outside its tables');
    }
    if (req.period.from > req.period.to || Number.isNaN(Date.parse(req.period.from)) || Number.isNaN(Date.parse(req.period.to))) {
      throw bad('the period must run from a valid date to a valid later date');
    }
    return [...providers][0]!;
  }

  submit(by: Principal, req: ApplicationRequest, now = new Date()): Transition {
    const provider = this.#providerOf(req);
    const id = crypto.randomUUID();
    const app = this.#record('application.submitted', id, by, { provider, request: req }, now);
    return { application: app, action: 'application.submitted', reason: null };
  }

  get(id: string): Application | undefined {
    return this.#apps.get(id);
  }

  /** The applicant's own; a steward's organisation's as provider; an admin's all. */
  visibleTo(p: Principal, a: Application): boolean {
    if (hasRole(p, 'admin')) return true;
    if (hasRole(p, 'steward') && a.provider === p.org) return true;
    return a.applicant.sub === p.sub;
  }

  list(p: Principal): Application[] {
    return [...this.#apps.values()].filter((a) => this.visibleTo(p, a));
  }

  /** Every application, for reports and metrics (never answered to a caller as such). */
  all(): Application[] {
    return [...this.#apps.values()];
  }

  /** How many applications are still pending past their deadline now. */
  overdueCount(now = new Date()): number {
    let n = 0;
    for (const a of this.#apps.values()) if (a.state === 'pending' && this.#calendar.isOverdue(a.deadline, now)) n++;
    return n;
  }

  #visible(by: Principal, id: string): Application {
    const a = this.#apps.get(id);
    // An application the caller may not see does not exist for them.
    if (!a || !this.visibleTo(by, a)) throw new AppError('NOT_FOUND', 'no such application');
    return a;
  }

  decide(by: Principal, id: string, decision: 'approve' | 'deny', reason: string | undefined, now = new Date()): Transition {
    const a = this.#visible(by, id);
    if (!hasRole(by, 'steward') || by.org !== a.provider) throw new AppError('FORBIDDEN', 'only a steward of the providing organisation decides');
    if (a.state !== 'pending') throw conflict(a, 'decided');
    if (decision === 'deny' && !reason) throw new AppError('BAD_REQUEST', 'a denial requires a reason');
    const type = decision === 'approve' ? 'application.approved' : 'application.denied';
    return { application: this.#record(type, id, by, reason ? { reason } : {}, now), action: type, reason: reason ?? null };
  }

  requestCoordination(by: Principal, id: string, reason: string, now = new Date()): Transition {
    const a = this.#visible(by, id);
    if (a.applicant.sub !== by.sub) throw new AppError('FORBIDDEN', 'only the applicant asks for coordination');
    if (a.state !== 'denied') throw conflict(a, 'sent to coordination');
    const type = 'application.coordination_requested';
    return { application: this.#record(type, id, by, { reason }, now), action: type, reason };
  }

  coordinate(by: Principal, id: string, outcome: 'grant' | 'uphold', reason: string, now = new Date()): Transition {
    if (!hasRole(by, 'admin')) throw new AppError('FORBIDDEN', 'only the data management department coordinates');
    const a = this.#visible(by, id);
    if (a.state !== 'coordination_requested') throw conflict(a, 'coordinated');
    const type = outcome === 'grant' ? 'application.coordination_granted' : 'application.coordination_upheld';
    return { application: this.#record(type, id, by, { reason }, now), action: type, reason };
  }

  view(a: Application, now = new Date()): ApplicationView {
    return {
      id: a.id,
      applicant: { ...a.applicant },
      provider: a.provider,
      legalBasis: a.request.legalBasis,
      purpose: a.request.purpose,
      scope: { datasets: [...a.request.scope.datasets], tables: [...a.request.scope.tables], columns: [...a.request.scope.columns] },
      method: a.request.method,
      period: { ...a.request.period },
      state: a.state,
      submittedAt: a.submittedAt,
      deadline: a.deadline,
      overdue: a.state === 'pending' && this.#calendar.isOverdue(a.deadline, now),
      decidedAt: a.decidedAt,
      reason: a.reason,
      coordination: a.coordination ? { ...a.coordination } : null,
    };
  }

  /** The city's local date now, for period checks. */
  today(now = new Date()): string {
    return this.#calendar.localDate(now);
  }
}
