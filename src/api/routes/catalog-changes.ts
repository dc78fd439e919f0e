// Catalog change proposals over HTTP (Measures art. 8): a steward of the providing organisation proposes
// edits to a dataset entry, the data management department reviews them, and an approved change is applied,
// which installs a new catalog version. Each transition is recorded in lineage (kind 'governance').
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import {
  CatalogChangeRequestSchema,
  CatalogChangeReviewSchema,
  CatalogChangeViewSchema,
  type CatalogChangeTransition,
} from '../../governance/catalog-changes.ts';
import { applyCatalogChange } from '../../catalog/live-catalog-updates.ts';
import type { Principal } from '../../auth/principal.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const IdParamsSchema = type({ id: /^[0-9a-f-]{36}$/, '+': 'reject' });
const TransitionResponseSchema = type({ change: CatalogChangeViewSchema, catalogVersion: 'string', lineageId: 'string', '+': 'delete' });
const ListResponseSchema = type({ changes: CatalogChangeViewSchema.array(), '+': 'delete' });

export function registerCatalogChangeRoutes(routes: RouteTable, deps: AppDeps): void {
  const g = deps.governance;
  const live = deps.live?.catalog;
  if (!g || !live) return;
  const book = g.catalogChanges;
  const transitionErrors = ['CONFLICT', 'NOT_FOUND'] as const;

  // Recorded after the transition, so the record names the version the transition produced (for an apply).
  const answer = async (by: Principal, t: CatalogChangeTransition) => {
    const lineageId = await g.record(by, { action: t.action, reason: t.reason, application: null, datasets: [t.change.dataset] });
    return { change: book.view(t.change), catalogVersion: live.current().id, lineageId };
  };

  routes.add(
    {
      method: 'post', path: '/v1/catalog/changes', operationId: 'proposeCatalogChange',
      summary: "A steward proposes edits to their organisation's dataset entry: levels, masks, bounds, titles, share/open type, update frequency, withdrawing a column (art. 8)",
      tags: ['governance', 'catalog'], access: ['steward'], body: CatalogChangeRequestSchema,
      response: { status: 201, description: 'the proposed change, with its review deadline', schema: TransitionResponseSchema },
    },
    (c, { body }) => answer(c.var.principal, book.propose(c.var.principal, body)),
  );
  routes.add(
    {
      method: 'get', path: '/v1/catalog/changes', operationId: 'listCatalogChanges',
      summary: "Catalog change proposals: an admin's all, a steward's organisation's", tags: ['governance', 'catalog'], access: ['steward', 'admin'],
      response: { description: 'the changes, with deadlines and overdue flags', schema: ListResponseSchema },
    },
    (c) => ({ changes: book.list(c.var.principal).map((x) => book.view(x)) }),
  );
  routes.add(
    {
      method: 'get', path: '/v1/catalog/changes/{id}', operationId: 'getCatalogChange',
      summary: 'One catalog change proposal', tags: ['governance', 'catalog'], access: ['steward', 'admin'], params: IdParamsSchema,
      response: { description: 'the change', schema: CatalogChangeViewSchema },
    },
    (c, { params }) => {
      const x = book.get(params.id);
      if (!x || !book.visibleTo(c.var.principal, x)) throw new AppError('NOT_FOUND', 'no such catalog change');
      return book.view(x);
    },
  );
  routes.add(
    {
      method: 'post', path: '/v1/catalog/changes/{id}/review', operationId: 'reviewCatalogChange',
      summary: 'The data management department approves or rejects a proposed change (a rejection needs a reason; 5 working days)',
      tags: ['governance', 'catalog'], access: ['admin'], params: IdParamsSchema, body: CatalogChangeReviewSchema, errors: transitionErrors,
      response: { description: 'the reviewed change', schema: TransitionResponseSchema },
    },
    (c, { params, body }) => answer(c.var.principal, book.review(c.var.principal, params.id, body.decision, body.reason)),
  );
  routes.add(
    {
      method: 'post', path: '/v1/catalog/changes/{id}/apply', operationId: 'applyCatalogChange',
      summary: "Applies an approved change to the live catalog: a new catalog version that every later query is decided under (10 working days)",
      tags: ['governance', 'catalog'], access: ['steward', 'admin'], params: IdParamsSchema, errors: transitionErrors,
      response: { description: 'the applied change and the new catalog version', schema: TransitionResponseSchema },
    },
    async (c, { params }) => answer(c.var.principal, await applyCatalogChange(live, book, c.var.principal, params.id)),
  );
}
