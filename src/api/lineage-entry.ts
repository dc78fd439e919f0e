// Builds the lineage entry for one query attempt from what the pipeline learned: who asked, what they sent,
// the decision, the columns read and released, the protections applied and what left. Pure: no I/O.
import type { Principal } from '../auth/principal.ts';
import type { Violation } from '../errors.ts';
import type { LineageEntry } from '../lineage/record.ts';
import type { CompiledQuery, InputColumn, Mode } from '../sql/compiled.ts';

export interface AttemptFacts {
  readonly kind: 'query' | 'explain';
  readonly principal: Principal;
  readonly sql: string;
  readonly purpose: string | null;
  readonly application: string | null;
  /** The purpose the named application states, when the caller's organisation holds it (art. 16). */
  readonly applicationPurpose?: string;
  readonly mode: Mode | null;
  readonly normalizedSql?: string | null;
  readonly fingerprint?: string | null;
  readonly compiled?: CompiledQuery;
  /** The SQL that answered instead of the compiled query's `sql` (sandbox/executor/unit-count-by-rows.ts). */
  readonly answeredBy?: string;
  readonly inputs?: readonly InputColumn[];
  /** Present when the attempt was refused or failed. */
  readonly error?: { readonly code: string; readonly violations?: readonly Violation[]; readonly message: string };
  readonly released?: {
    readonly rowCount: number;
    readonly sha256: string;
    readonly suppressedGroups: number;
    readonly suppressedRows: number;
  };
  /** dp releases and explains: the noise summary, the ε charged (0 for explains and repeats), the remaining ε per charged dataset. */
  readonly dp?: {
    readonly noise: { readonly mechanism: string; readonly scale: number; readonly epsilon: number };
    readonly epsilonCharged: number;
    readonly budgetAfter: Readonly<Record<string, number>> | null;
  };
  readonly timings: { totalMs: number; compileMs?: number; executeMs?: number; gateMs?: number };
  readonly engine: { readonly duckdb: string; readonly dsbx: string };
  readonly dataVersion: string;
  readonly catalogVersion: string;
}

const reasons = (error: AttemptFacts['error']): LineageEntry['decision']['reasons'] => {
  if (!error) return [];
  const vs = error.violations?.length ? error.violations : [{ rule: error.code, message: error.message }];
  return vs.map((v) => ({
    rule: v.rule,
    message: v.message,
    ...(v.column ? { column: v.column } : {}),
    ...(v.function ? { function: v.function } : {}),
  }));
};

function protectionsOf(f: AttemptFacts): LineageEntry['protections'] {
  const c = f.compiled;
  if (!c) return null;
  return {
    profile: c.profile,
    ...(c.threshold ? { threshold: c.threshold.k, rounding: c.threshold.rounding } : {}),
    ...(c.kAnonymity ? { kAnonymity: c.kAnonymity.k } : {}),
    ...(f.released ? { suppressedGroups: f.released.suppressedGroups, suppressedRows: f.released.suppressedRows } : {}),
    // The ledger is rebuilt from epsilonCharged and budgetAfter (src/dp/budget-ledger.ts): they are the charge.
    ...(f.dp ? { noise: { ...f.dp.noise }, epsilonCharged: f.dp.epsilonCharged } : {}),
    ...(c.dp
      ? {
          contribution: { maxGroups: c.dp.maxGroups, maxRows: c.dp.maxRows },
          delta: c.dp.delta,
          measures: c.dp.aggregates.map((a) => ({
            column: a.output,
            measure: a.measure,
            bounds: a.bounds ? ([a.bounds[0], a.bounds[1]] as [number, number]) : null,
          })),
        }
      : {}),
  };
}

export function buildLineageEntry(f: AttemptFacts): LineageEntry {
  const c = f.compiled;
  // A compiled query that then failed (timeout, resource limit) was allowed by policy: the decision says
  // allow with the failure's code, so reviewers can tell policy refusals from engine failures.
  const effect: 'allow' | 'deny' = c ? 'allow' : 'deny';
  return {
    kind: f.kind,
    subject: f.principal.sub,
    org: f.principal.org,
    roles: [...f.principal.roles],
    licenseId: f.principal.jti,
    purpose: f.purpose,
    application: f.application,
    ...(f.applicationPurpose !== undefined ? { applicationPurpose: f.applicationPurpose } : {}),
    request: {
      sql: f.sql,
      normalizedSql: c?.normalizedSql ?? f.normalizedSql ?? null,
      executedSql: (c ? (f.answeredBy ?? c.sql) : null),
      fingerprint: c?.fingerprint ?? f.fingerprint ?? null,
      mode: f.mode,
    },
    decision: { effect, ...(f.error ? { code: f.error.code } : {}), reasons: reasons(f.error) },
    inputs: (c?.inputs ?? f.inputs ?? []).map((i) => ({
      dataset: i.dataset,
      table: i.table,
      column: i.column,
      level: i.level,
      usage: [...i.usage],
    })),
    outputs: (c?.outputs ?? []).map((o) => ({
      column: o.name,
      derivedFrom: o.derivedFrom.map((r) => ({ dataset: r.dataset, table: r.table, column: r.column })),
      transform: o.transform,
      protection: o.protection.kind,
    })),
    protections: protectionsOf(f),
    result: f.released ? { rowCount: f.released.rowCount, sha256: f.released.sha256 } : null,
    budgetAfter: f.dp?.budgetAfter ? { ...f.dp.budgetAfter } : null,
    timings: f.timings,
    engine: { ...f.engine },
    dataVersion: f.dataVersion,
    catalogVersion: f.catalogVersion,
  };
}
