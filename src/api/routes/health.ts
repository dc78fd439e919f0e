// GET /healthz: public liveness. Says the service answers and how its checks fare; nothing else (no
// paths, no versions of dependencies, no configuration). A failing check answers 503 UNAVAILABLE, naming
// the checks, so that a container healthcheck (which looks only at the status) sees it.
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

export const HealthSchema = type({
  status: "'ok'",
  service: "'dsbx'",
  version: 'string',
  uptimeSeconds: 'number >= 0',
  checks: { '[string]': "'ok'" },
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
      response: { description: 'the service answers and every check passes', schema: HealthSchema },
      errors: ['UNAVAILABLE'],
    },
    async () => {
      const failing: string[] = [];
      const checks: Record<string, 'ok'> = {};
      for (const h of deps.health ?? []) {
        // A check that throws is a failing check; its error text stays out of the answer.
        const ok = await Promise.resolve()
          .then(() => h.check())
          .catch(() => false);
        if (ok) checks[h.name] = 'ok';
        else failing.push(h.name);
      }
      if (failing.length > 0) throw new AppError('UNAVAILABLE', 'a health check is failing', { failing });
      return {
        status: 'ok',
        service: 'dsbx',
        version: deps.version ?? '0.0.0',
        uptimeSeconds: Math.round((performance.now() - started) / 1000),
        checks,
      } as const;
    },
  );
}
