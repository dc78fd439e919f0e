// The stewards' and admins' actions from the Queues page: each form is checked with the same arktype schema
// as its API route, then performed by the same governance method the route calls (ApplicationBook.decide,
// .coordinate, ObjectionBook.resolve, CatalogChangeBook.review), and recorded in the lineage log with the same facts. The rules (who
// may act, which transition is legal, that a denial needs a reason) live only in src/governance.
import { type } from 'arktype';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { CoordinationDecisionSchema, DecisionRequestSchema } from '../governance/applications.ts';
import { CatalogChangeReviewSchema } from '../governance/catalog-changes.ts';
import type { Governance } from '../governance/governance.ts';
import { ResolutionRequestSchema, type ResolutionAction } from '../governance/objections.ts';

/** The id shape the API routes accept (a UUID); anything else is an item that does not exist. */
const ITEM_ID = /^[0-9a-f-]{36}$/;

/** Candidate resolutions, offered only if the API's schema accepts them (so one added there shows up here). */
const RESOLUTION_CANDIDATES = ['verify', 'suspend', 'withdraw', 'restore', 'reopen'] as const;
export const RESOLUTION_ACTIONS = RESOLUTION_CANDIDATES.filter(
  (action) => !(ResolutionRequestSchema({ action, reason: 'probe' }) instanceof type.errors),
) as unknown as readonly ResolutionAction[];

export type QueueAction =
  | { readonly kind: 'decide'; readonly id: string; readonly decision: 'approve' | 'deny'; readonly reason?: string }
  | { readonly kind: 'coordinate'; readonly id: string; readonly decision: 'grant' | 'uphold'; readonly reason: string }
  | { readonly kind: 'resolve'; readonly id: string; readonly action: ResolutionAction; readonly reason: string }
  | { readonly kind: 'review'; readonly id: string; readonly decision: 'approve' | 'reject'; readonly reason?: string };

export interface QueueActionOutcome {
  /** The transition, e.g. application.approved or objection.suspended. */
  readonly action: string;
  readonly lineageId: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Reads one action form (attacker-controlled: any field may be missing, repeated or oversized). An empty reason
 * is left out, so that the governance rule, not this form, decides whether the action needs one.
 */
export function parseQueueAction(kind: QueueAction['kind'], id: string, body: Record<string, unknown>): QueueAction {
  if (!ITEM_ID.test(id)) throw new AppError('NOT_FOUND', 'no such item');
  const reason = str(body['reason'])?.trim();
  const withReason = reason ? { reason } : {};
  const invalid = () => new AppError('BAD_REQUEST', 'the form does not match the expected schema');
  switch (kind) {
    case 'decide': {
      const form = DecisionRequestSchema({ decision: str(body['decision']), ...withReason });
      if (form instanceof type.errors) throw invalid();
      return { kind, id, decision: form.decision, ...(form.reason ? { reason: form.reason } : {}) };
    }
    case 'coordinate': {
      const form = CoordinationDecisionSchema({ decision: str(body['decision']), ...withReason });
      if (form instanceof type.errors) throw invalid();
      return { kind, id, decision: form.decision, reason: form.reason };
    }
    case 'resolve': {
      const form = ResolutionRequestSchema({ action: str(body['action']), ...withReason });
      if (form instanceof type.errors) throw invalid();
      return { kind, id, action: form.action, reason: form.reason };
    }
    case 'review': {
      const form = CatalogChangeReviewSchema({ decision: str(body['decision']), ...withReason });
      if (form instanceof type.errors) throw invalid();
      return { kind, id, decision: form.decision, ...(form.reason ? { reason: form.reason } : {}) };
    }
  }
}

/** Performs the action as `by`; throws the governance AppError (FORBIDDEN, NOT_FOUND, CONFLICT, BAD_REQUEST) unchanged. */
export async function performQueueAction(g: Governance, by: Principal, a: QueueAction): Promise<QueueActionOutcome> {
  if (a.kind === 'resolve') {
    const t = g.objections.resolve(by, a.id, a.action, a.reason);
    const lineageId = await g.record(by, { action: t.action, reason: t.reason, application: null, datasets: [t.objection.request.dataset] });
    return { action: t.action, lineageId };
  }
  if (a.kind === 'review') {
    const t = g.catalogChanges.review(by, a.id, a.decision, a.reason);
    const lineageId = await g.record(by, { action: t.action, reason: t.reason, application: null, datasets: [t.change.dataset] });
    return { action: t.action, lineageId };
  }
  const t = a.kind === 'decide' ? g.applications.decide(by, a.id, a.decision, a.reason) : g.applications.coordinate(by, a.id, a.decision, a.reason);
  const lineageId = await g.record(by, { action: t.action, reason: t.reason, application: t.application.id, datasets: t.application.request.scope.datasets });
  return { action: t.action, lineageId };
}
