// POST /v1/admin/reload: the data management department re-reads datasets/*/dataset.yaml and policies/*.yaml
// (as SIGHUP does). Valid files that differ make a new catalog version; a file that fails validation keeps
// the last good catalog and policy and is answered CONFLICT naming the file and field paths.
import { type } from 'arktype';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const ReloadResponseSchema = type({ changed: 'boolean', catalogVersion: 'string', version: 'number', 'lineageId?': 'string', '+': 'delete' });

export function registerAdminRoutes(routes: RouteTable, deps: AppDeps): void {
  const live = deps.live;
  if (!live) return;
  routes.add(
    {
      method: 'post', path: '/v1/admin/reload', operationId: 'reloadConfiguration',
      summary: 'Re-read the catalog and policy files; a file that fails validation keeps the last good version (CONFLICT names the file and fields)',
      tags: ['admin'], access: ['admin'], errors: ['CONFLICT'],
      response: { description: 'whether anything changed, and the catalog version now in force', schema: ReloadResponseSchema },
    },
    async (c) => {
      const out = await live.reload(c.var.principal);
      return { changed: out.changed, catalogVersion: out.snapshot.id, version: out.snapshot.version, ...(out.lineageId ? { lineageId: out.lineageId } : {}) };
    },
  );
}
