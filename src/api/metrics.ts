// Prometheus metrics for GET /metrics (prom-client): queries by decision and code, latency per pipeline
// stage, suppressed groups, the sandbox's restarts and overdue governance items. One registry per service,
// so tests stay independent.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Stage = 'total' | 'compile' | 'execute' | 'gate' | 'lineage';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly queries: Counter<'decision' | 'code'>;
  readonly stageSeconds: Histogram<'stage'>;
  readonly suppressedGroups: Counter;
  readonly httpRequests: Counter<'method' | 'status'>;
  /** Reloads (SIGHUP, POST /v1/admin/reload) refused because a file failed validation; the last good config stayed. */
  readonly configReloadFailures: Counter;
}

export interface MetricsSources {
  readonly sandboxRestarts?: () => number;
  /** Governance items past their working-day deadline now, by kind (e.g. `application`); read at each scrape. */
  readonly governanceOverdue?: () => Readonly<Record<string, number>>;
  readonly defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsSources = {}): ServiceMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'dsbx_' });
  const queries = new Counter({
    name: 'dsbx_queries_total',
    help: 'Query attempts by decision (allow, deny, error) and error code',
    labelNames: ['decision', 'code'] as const,
    registers: [registry],
  });
  const stageSeconds = new Histogram({
    name: 'dsbx_query_stage_seconds',
    help: 'Latency of each query pipeline stage',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const suppressedGroups = new Counter({
    name: 'dsbx_suppressed_groups_total',
    help: 'Groups withheld by the output gate because they covered fewer than k privacy units',
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'dsbx_http_requests_total',
    help: 'HTTP requests by method and status',
    labelNames: ['method', 'status'] as const,
    registers: [registry],
  });
  const configReloadFailures = new Counter({
    name: 'dsbx_config_reload_failures_total',
    help: 'Catalog and policy reloads refused because a file failed validation (the last good version stayed)',
    registers: [registry],
  });
  const restarts = opts.sandboxRestarts;
  if (restarts) {
    new Gauge({
      name: 'dsbx_sandbox_restarts',
      help: 'Times the sandbox executor process was restarted since the service started',
      registers: [registry],
      collect() {
        this.set(restarts());
      },
    });
  }
  const overdue = opts.governanceOverdue;
  if (overdue) {
    new Gauge({
      name: 'dsbx_governance_overdue',
      help: 'Governance items still open past their working-day deadline (art. 15), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      // Computed at scrape time: an item becomes overdue when the calendar day turns, not on an event.
      collect() {
        this.reset();
        for (const [kind, n] of Object.entries(overdue())) this.set({ kind }, n);
      },
    });
  }
  return { registry, queries, stageSeconds, suppressedGroups, httpRequests, configReloadFailures };
}
