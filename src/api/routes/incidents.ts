// POST /v1/incidents (Measures art. 26): an admin revokes licenses and suspends datasets in one call,
// effective at once for new and queued queries; recorded in lineage (kind 'governance').
import { type } from 'arktype';
import { IncidentRequestSchema } from '../../governance/incidents.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const IncidentResponseSchema = type({
  revokedSubjects: 'string[]',
  revokedTokenIds: 'string[]',
  suspended: 'string[]',
  restored: 'string[]',
  lineageId: 'string',
  '+': 'delete',
});

export function registerIncidentRoutes(routes: RouteTable, deps: AppDeps): void {
  const g = deps.governance;
  if (!g) return;
  routes.add(
    {
      method: 'post', path: '/v1/incidents', operationId: 'respondToIncident',
      summary: 'Revoke licenses (by subject or token id) and suspend datasets in one call; restore them once handled',
      tags: ['governance'], access: ['admin'], body: IncidentRequestSchema,
      response: { description: 'what was revoked and suspended', schema: IncidentResponseSchema },
    },
    async (c, { body }) => {
      const by = c.var.principal;
      const out = g.respondToIncident(by, body);
      const lineageId = await g.record(by, { action: 'incident.response', reason: body.reason, application: null, datasets: [...out.suspended, ...out.restored] });
      return {
        revokedSubjects: [...out.revokedSubjects], revokedTokenIds: [...out.revokedTokenIds],
        suspended: [...out.suspended], restored: [...out.restored], lineageId,
      };
    },
  );
}
