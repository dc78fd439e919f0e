// Objections (Measures art. 19) as a state machine replayed from the governance event log: anyone may
// object to a dataset; the providing organisation's steward may suspend it at once, then resolves by
// withdrawing the data, restoring it, or reopening it after processing. The objector's contact details
// stay in the governance state (the steward must answer them) and never reach lineage.
import crypto from 'node:crypto';
import { type } from 'arktype';
import { hasRole, type Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import type { DatasetStatusBoard } from './dataset-status.ts';
import type { GovernanceEvent, GovernanceEventLog } from './event-log.ts';

export const ObjectionRequestSchema = type({
  dataset: /^[a-z][a-z0-9_]*$/,
  ground: "'error' | 'omission' | 'trade_secret' | 'personal_privacy'",
  description: '0 < string <= 2000',
  'contact?': '0 < string <= 200',
  '+': 'reject',
});
export type ObjectionRequest = typeof ObjectionRequestSchema.infer;

export const ResolutionRequestSchema = type({ action: "'suspend' | 'withdraw' | 'restore' | 'reopen'", reason: '0 < string <= 1000', '+': 'reject' });
export type ResolutionAction = (typeof ResolutionRequestSchema.infer)['action'];

export type ObjectionState = 'filed' | 'suspended' | 'withdrawn' | 'restored' | 'reopened';

export interface Objection {
  readonly id: string;
  readonly objector: { readonly sub: string; readonly org: string };
  readonly provider: string;
  readonly request: ObjectionRequest;
  readonly state: ObjectionState;
  readonly filedAt: string;
  readonly history: readonly { readonly action: ResolutionAction; readonly by: string; readonly reason: string; readonly at: string }[];
}

export const ObjectionViewSchema = type({
  id: 'string',
  objector: { sub: 'string', org: 'string', '+': 'delete' },
  provider: 'string',
  dataset: 'string',
  ground: 'string',
  description: 'string',
  'contact?': 'string',
  state: "'filed' | 'suspended' | 'withdrawn' | 'restored' | 'reopened'",
  filedAt: 'string',
  history: type({ action: 'string', by: 'string', reason: 'string', at: 'string', '+': 'delete' }).array(),
  '+': 'delete',
});

/** Which states each resolution may leave from, and where it goes. */
const TRANSITIONS: Readonly<Record<ResolutionAction, { from: readonly ObjectionState[]; to: ObjectionState }>> = {
  suspend: { from: ['filed'], to: 'suspended' },
  withdraw: { from: ['filed', 'suspended'], to: 'withdrawn' },
  restore: { from: ['filed', 'suspended'], to: 'restored' },
  reopen: { from: ['suspended', 'withdrawn'], to: 'reopened' },
};
const EVENT_OF: Readonly<Record<ResolutionAction, string>> = {
  suspend: 'objection.suspended', withdraw: 'objection.withdrawn', restore: 'objection.restored', reopen: 'objection.reopened',
};
const ACTION_OF = Object.fromEntries(Object.entries(EVENT_OF).map(([a, e]) => [e, a])) as Record<string, ResolutionAction>;

export interface ObjectionTransition {
  readonly objection: Objection;
  readonly action: string;
  readonly reason: string | null;
}

export class ObjectionBook {
  readonly #log: GovernanceEventLog;
  readonly #catalog: Catalog;
  readonly #board: DatasetStatusBoard;
  readonly #items = new Map<string, Objection>();

  constructor(log: GovernanceEventLog, catalog: Catalog, board: DatasetStatusBoard) {
    this.#log = log;
    this.#catalog = catalog;
    this.#board = board;
    for (const ev of log.events) if (ev.type.startsWith('objection.')) this.#apply(ev);
  }

  #apply(ev: GovernanceEvent): Objection {
    const d = ev.data;
    let next: Objection;
    if (ev.type === 'objection.filed') {
      next = {
        id: ev.subject, objector: { ...ev.actor }, provider: d['provider'] as string,
        request: ObjectionRequestSchema.assert(d['request']), state: 'filed', filedAt: ev.time, history: [],
      };
    } else {
      const action = ACTION_OF[ev.type];
      const prev = this.#items.get(ev.subject);
      if (!action || !prev) throw new Error(`unknown objection event ${ev.type}`);
      next = { ...prev, state: TRANSITIONS[action].to, history: [...prev.history, { action, by: ev.actor.sub, reason: d['reason'] as string, at: ev.time }] };
    }
    this.#items.set(ev.subject, next);
    return next;
  }

  file(by: Principal, req: ObjectionRequest, now = new Date()): ObjectionTransition {
    const ds = this.#catalog.dataset(req.dataset);
    if (!ds) throw new AppError('NOT_FOUND', 'no such dataset');
    const ev = this.#log.append({ type: 'objection.filed', subject: crypto.randomUUID(), actor: { sub: by.sub, org: by.org }, data: { provider: ds.provider.id, request: req } }, now);
    return { objection: this.#apply(ev), action: 'objection.filed', reason: `ground: ${req.ground}` };
  }

  visibleTo(p: Principal, o: Objection): boolean {
    return hasRole(p, 'admin') || (hasRole(p, 'steward') && p.org === o.provider) || o.objector.sub === p.sub;
  }

  get(id: string): Objection | undefined {
    return this.#items.get(id);
  }

  list(p: Principal): Objection[] {
    return [...this.#items.values()].filter((o) => this.visibleTo(p, o));
  }

  /** Every objection, for reports (never answered to a caller as such). */
  all(): Objection[] {
    return [...this.#items.values()];
  }

  resolve(by: Principal, id: string, action: ResolutionAction, reason: string, now = new Date()): ObjectionTransition {
    const o = this.#items.get(id);
    if (!o || !this.visibleTo(by, o)) throw new AppError('NOT_FOUND', 'no such objection');
    if (!hasRole(by, 'steward') || by.org !== o.provider) throw new AppError('FORBIDDEN', 'only a steward of the providing organisation resolves');
    const t = TRANSITIONS[action];
    if (!t.from.includes(o.state)) throw new AppError('CONFLICT', `the objection cannot be resolved with ${action} in its current state`, { state: o.state, id });
    const ev = this.#log.append({ type: EVENT_OF[action], subject: id, actor: { sub: by.sub, org: by.org }, data: { reason, datasets: [o.request.dataset] } }, now);
    this.#board.apply(ev);
    return { objection: this.#apply(ev), action: EVENT_OF[action], reason };
  }

  view(o: Objection, p: Principal): typeof ObjectionViewSchema.infer {
    return {
      id: o.id, objector: { ...o.objector }, provider: o.provider, dataset: o.request.dataset, ground: o.request.ground,
      description: o.request.description,
      // The contact is for the steward who must answer, and the objector themself.
      ...(o.request.contact && (o.objector.sub === p.sub || hasRole(p, 'steward', 'admin')) ? { contact: o.request.contact } : {}),
      state: o.state, filedAt: o.filedAt, history: o.history.map((h) => ({ ...h })),
    };
  }
}
