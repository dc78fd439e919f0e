// Conditional-share applications over HTTP (Measures arts. 14–15): submit, list, read, the provider's
// decision, the applicant's request for coordination and the admin's coordination. Each transition is
// recorded in the lineage log (kind 'governance') before it is answered.
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import {
  ApplicationRequestSchema,
  ApplicationViewSchema,
  CoordinationDecisionSchema,
  CoordinationRequestSchema,
  DecisionRequestSchema,
  type Transition,
} from '../../governance/applications.ts';
import type { Governance } from '../../governance/governance.ts';
import type { Principal } from '../../auth/principal.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const IdParamsSchema = type({ id: /^[0-9a-f-]{36}$/, '+': 'reject' });
const TransitionResponseSchema = type({ application: ApplicationViewSchema, lineageId: 'string', '+': 'delete' });
const ListResponseSchema = type({ applications: ApplicationViewSchema.array(), '+': 'delete' });

async function answer(g: Governance, by: Principal, t: Transition) {
  const lineageId = await g.record(by, {
    action: t.action,
    reason: t.reason,
    application: t.application.id,
    datasets: t.application.request.scope.datasets,
  });
  return { application: g.applications.view(t.application), lineageId };
}

export function registerApplicationRoutes(routes: RouteTable, deps: AppDeps): void {
  const g = deps.governance;
  if (!g) return;
  const book = g.applications;
  const transitionErrors = ['CONFLICT', 'NOT_FOUND'] as const;

  routes.add(
    {
      method: 'post', path: '/v1/applications', operationId: 'submitApplication',
      summary: 'Apply for conditional-share data: legal basis, purpose, scope, method and period (arts. 14–15)',
      tags: ['governance'], access: ['developer', 'researcher'], body: ApplicationRequestSchema,
      response: { status: 201, description: 'the pending application, with its deadline', schema: TransitionResponseSchema },
    },
    (c, { body }) => answer(g, c.var.principal, book.submit(c.var.principal, body)),
  );
  routes.add(
    {
      method: 'get', path: '/v1/applications', operationId: 'listApplications',
      summary: "Applications the caller may see: their own; a steward's organisation's as provider; an admin's all",
      tags: ['governance'], access: 'authenticated',
      response: { description: 'the applications, with overdue flags', schema: ListResponseSchema },
    },
    (c) => ({ applications: book.list(c.var.principal).map((a) => book.view(a)) }),
  );
  routes.add(
    {
      method: 'get', path: '/v1/applications/{id}', operationId: 'getApplication',
      summary: 'One application the caller may see', tags: ['governance'], access: 'authenticated', params: IdParamsSchema,
      response: { description: 'the application', schema: ApplicationViewSchema },
    },
    (c, { params }) => {
      const a = book.get(params.id);
      if (!a || !book.visibleTo(c.var.principal, a)) throw new AppError('NOT_FOUND', 'no such application');
      return book.view(a);
    },
  );
  routes.add(
    {
      method: 'post', path: '/v1/applications/{id}/decision', operationId: 'decideApplication',
      summary: "The providing organisation's steward approves or denies (a denial needs a reason)",
      tags: ['governance'], access: ['steward'], params: IdParamsSchema, body: DecisionRequestSchema, errors: transitionErrors,
      response: { description: 'the decided application', schema: TransitionResponseSchema },
    },
    (c, { params, body }) => answer(g, c.var.principal, book.decide(c.var.principal, params.id, body.decision, body.reason)),
  );
  routes.add(
    {
      method: 'post', path: '/v1/applications/{id}/coordination', operationId: 'requestCoordination',
      summary: 'The applicant asks the data management department to coordinate a denial',
      tags: ['governance'], access: ['developer', 'researcher'], params: IdParamsSchema, body: CoordinationRequestSchema, errors: transitionErrors,
      response: { description: 'the application awaiting coordination', schema: TransitionResponseSchema },
    },
    (c, { params, body }) => answer(g, c.var.principal, book.requestCoordination(c.var.principal, params.id, body.reason)),
  );
  routes.add(
    {
      method: 'post', path: '/v1/applications/{id}/coordination/decision', operationId: 'coordinateApplication',
      summary: 'The data management department grants or upholds a coordinated denial, with a reason',
      tags: ['governance'], access: ['admin'], params: IdParamsSchema, body: CoordinationDecisionSchema, errors: transitionErrors,
      response: { description: 'the coordinated application', schema: TransitionResponseSchema },
    },
    (c, { params, body }) => answer(g, c.var.principal, book.coordinate(c.var.principal, params.id, body.decision, body.reason)),
  );
}
