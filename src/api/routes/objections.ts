// Objections over HTTP (Measures art. 19): anyone authenticated objects to a dataset; the providing
// organisation's steward suspends, withdraws, restores or reopens. Each transition is recorded in lineage
// (kind 'governance') with who and why; the objector's contact details are never recorded there.
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import { ObjectionRequestSchema, ObjectionViewSchema, ResolutionRequestSchema, type ObjectionTransition } from '../../governance/objections.ts';
import type { Governance } from '../../governance/governance.ts';
import type { Principal } from '../../auth/principal.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const IdParamsSchema = type({ id: /^[0-9a-f-]{36}$/, '+': 'reject' });
const TransitionResponseSchema = type({ objection: ObjectionViewSchema, lineageId: 'string', '+': 'delete' });
const ListResponseSchema = type({ objections: ObjectionViewSchema.array(), '+': 'delete' });

async function answer(g: Governance, by: Principal, t: ObjectionTransition) {
  const lineageId = await g.record(by, { action: t.action, reason: t.reason, application: null, datasets: [t.objection.request.dataset] });
  return { objection: g.objections.view(t.objection, by), lineageId };
}

export function registerObjectionRoutes(routes: RouteTable, deps: AppDeps): void {
  const g = deps.governance;
  if (!g) return;
  const book = g.objections;
  routes.add(
    {
      method: 'post', path: '/v1/objections', operationId: 'fileObjection',
      summary: 'Object to a dataset: error, omission, trade secret or personal privacy (art. 19)',
      tags: ['governance'], access: 'authenticated', body: ObjectionRequestSchema, errors: ['NOT_FOUND'],
      response: { status: 201, description: 'the filed objection', schema: TransitionResponseSchema },
    },
    (c, { body }) => answer(g, c.var.principal, book.file(c.var.principal, body)),
  );
  routes.add(
    {
      method: 'get', path: '/v1/objections', operationId: 'listObjections',
      summary: "Objections the caller may see: their own; a steward's organisation's as provider; an admin's all",
      tags: ['governance'], access: 'authenticated',
      response: { description: 'the objections', schema: ListResponseSchema },
    },
    (c) => ({ objections: book.list(c.var.principal).map((o) => book.view(o, c.var.principal)) }),
  );
  routes.add(
    {
      method: 'post', path: '/v1/objections/{id}/resolution', operationId: 'resolveObjection',
      summary: "The providing organisation's steward suspends the dataset, withdraws, restores or reopens it",
      tags: ['governance'], access: ['steward'], params: IdParamsSchema, body: ResolutionRequestSchema, errors: ['CONFLICT', 'NOT_FOUND'],
      response: { description: 'the objection after the transition', schema: TransitionResponseSchema },
    },
    (c, { params, body }) => {
      if (!book.get(params.id)) throw new AppError('NOT_FOUND', 'no such objection');
      return answer(g, c.var.principal, book.resolve(c.var.principal, params.id, body.action, body.reason));
    },
  );
}
