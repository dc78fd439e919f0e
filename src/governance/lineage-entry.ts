// The lineage record of one governance transition (kind 'governance'): who acted, on what, and why. The
// reason goes in `purpose`; contact details of objectors and anything personal are never passed in here.
import type { Principal } from '../auth/principal.ts';
import type { LineageEntry } from '../lineage/record.ts';

export interface GovernanceFacts {
  /** e.g. application.approved, objection.filed, incident.response. */
  readonly action: string;
  readonly reason: string | null;
  /** The application the transition concerns, if any. */
  readonly application: string | null;
  /** The datasets the transition concerns (recorded as reasons' columns, so reviewers can filter by them). */
  readonly datasets: readonly string[];
  /** The governance log events (seq) the transition wrote; a record names them so a crash gap can be found. */
  readonly events?: readonly number[];
  /** Written at startup for an event whose record a crash lost (src/governance/event-log-records.ts). */
  readonly recovered?: boolean;
}

export interface GovernanceLineageContext {
  readonly engine: { readonly duckdb: string; readonly dsbx: string };
  readonly dataVersion: string;
  readonly catalogVersion: string;
}

export function governanceLineageEntry(by: Principal, f: GovernanceFacts, ctx: GovernanceLineageContext): LineageEntry {
  return {
    kind: 'governance',
    subject: by.sub,
    org: by.org,
    roles: [...by.roles],
    licenseId: by.jti,
    purpose: f.reason,
    application: f.application,
    request: { sql: '', normalizedSql: null, executedSql: null, fingerprint: null, mode: null },
    decision: {
      effect: 'allow',
      reasons: f.datasets.length
        ? f.datasets.map((d) => ({ rule: f.action, message: 'governance transition', column: d }))
        : [{ rule: f.action, message: 'governance transition' }],
    },
    inputs: [],
    outputs: [],
    protections: null,
    result: null,
    budgetAfter: null,
    timings: { totalMs: 0 },
    engine: { ...ctx.engine },
    dataVersion: ctx.dataVersion,
    catalogVersion: ctx.catalogVersion,
    ...(f.events ? { governance: { events: [...f.events], ...(f.recovered ? { recovered: true as const } : {}) } } : {}),
  };
}
