// GET /healthz: public liveness. Says the service answers and how its checks fare; nothing else (no
// paths, no versions of dependencies, no configuration).
import { type } from 'arktype';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

export const HealthSchema = type({
  status: "'ok' | 'degraded'",
  service: "'dsbx'",
  version: 'string',
  uptimeSeconds: 'number >= 0',
  checks: { '[string]': "'ok' | 'failing'" },
  '+': 'delete',
});

const started = performance.now();

export function registerHealthRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness of the service and its checks',
      tags: ['service'],
      access: 'public',
      response: { description: 'the service answers', schema: HealthSchema },
    },
    async (c) => {
      const checks: Record<string, 'ok' | 'failing'> = {};
      for (const h of deps.health ?? []) {
        let ok = false;
        try {
          ok = await h.check();
        } catch {
          ok = false;
        }
        checks[h.name] = ok ? 'ok' : 'failing';
      }
      const healthy = Object.values(checks).every((v) => v === 'ok');
      if (!healthy) c.status(503);
      return {
        status: healthy ? 'ok' : 'degraded',
        service: 'dsbx',
        version: deps.version ?? '0.0.0',
        uptimeSeconds: Math.round((performance.now() - started) / 1000),
        checks,
      } as const;
    },
  );
}
