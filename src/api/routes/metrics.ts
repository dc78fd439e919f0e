// GET /metrics: Prometheus text format. Public as DESIGN.md says, so it carries counts and latencies only —
// no subjects, no SQL, no dataset values.
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

export function registerMetricsRoutes(routes: RouteTable, deps: AppDeps): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  routes.add(
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus metrics: queries by decision and code, stage latencies, suppressed groups, sandbox restarts',
      tags: ['service'],
      access: 'public',
      response: { description: 'Prometheus text exposition format', contentType: 'text/plain; version=0.0.4' },
    },
    async () =>
      new Response(await metrics.registry.metrics(), {
        headers: { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' },
      }),
  );
}
