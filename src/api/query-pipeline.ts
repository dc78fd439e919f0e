// The query path end to end, behind POST /v1/query and /v1/query/explain: rate limit, size limit, compile,
// license and dataset status, execute in the sandbox, record lineage, answer. Every attempt that reaches it
// leaves exactly one lineage record, written (and fsync'd) before the caller hears anything.
import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import { AppError, isAppError, type Violation } from '../errors.ts';
import type { LineageStore } from '../lineage/store.ts';
import type { Decision } from '../policy/decision.ts';
import type { Policy } from '../policy/schema.ts';
import type { CompiledQuery, Mode } from '../sql/compiled.ts';
import { compileQuery } from '../sql/compile.ts';
import type { SqlCompiler } from '../sql/compile.ts';
import type { GateResult } from '../../sandbox/gate/types.ts';
import { decideDatasetAccess } from './dataset-access.ts';
import { buildLineageEntry, type AttemptFacts } from './lineage-entry.ts';
import type { ServiceMetrics } from './metrics.ts';
import { MAX_SQL_BYTES, type QueryRequest } from './query-request.ts';
import { TokenBuckets } from './rate-limit.ts';

/** What the pipeline needs to run a compiled query; the Sandbox class satisfies it. */
export interface QueryExecutor {
  execute(compiled: CompiledQuery, ctx: { subject: string; queryId: string }): Promise<GateResult>;
}

export interface QueryPipelineDeps {
  readonly catalog: Catalog;
  readonly policy: Policy;
  readonly compiler: SqlCompiler;
  readonly executor: QueryExecutor;
  readonly lineage: LineageStore;
  readonly metrics: ServiceMetrics;
  readonly engine: { readonly duckdb: string; readonly dsbx: string };
  readonly dataVersion: string;
  readonly catalogVersion: string;
  readonly rateLimit?: { readonly capacity: number; readonly refillPerSecond: number };
  /** Largest serialized result that may leave in one response. */
  readonly maxResultBytes?: number;
}

export interface QueryResponse {
  readonly queryId: string;
  readonly lineageId: string;
  readonly columns: GateResult['columns'];
  readonly rows: GateResult['rows'];
  readonly disclosure: GateResult['disclosure'];
}

export interface ExplainResponse {
  readonly queryId: string;
  readonly lineageId: string;
  readonly decision: 'allow';
  readonly mode: Mode;
  readonly profile: CompiledQuery['profile'];
  readonly fingerprint: string;
  readonly datasets: readonly string[];
  readonly columns: readonly { name: string; protection: CompiledQuery['outputs'][number]['protection'] }[];
  readonly protections: {
    readonly threshold: CompiledQuery['threshold'];
    readonly kAnonymity: CompiledQuery['kAnonymity'];
    readonly rowCap: number;
  };
}

const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

export class QueryPipeline {
  readonly #deps: QueryPipelineDeps;
  readonly #buckets: TokenBuckets;
  readonly #maxResultBytes: number;

  constructor(deps: QueryPipelineDeps) {
    this.#deps = deps;
    this.#buckets = new TokenBuckets(deps.rateLimit ?? { capacity: 60, refillPerSecond: 10 });
    this.#maxResultBytes = deps.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    if (!(this.#maxResultBytes > 0)) throw new Error('query pipeline: maxResultBytes must be positive');
  }

  run(principal: Principal, req: QueryRequest): Promise<QueryResponse> {
    return this.#attempt('query', principal, req) as Promise<QueryResponse>;
  }

  explain(principal: Principal, req: QueryRequest): Promise<ExplainResponse> {
    return this.#attempt('explain', principal, req) as Promise<ExplainResponse>;
  }

  /**
   * Records a request that never reached compilation (e.g. a body that failed validation) and returns its
   * lineage id, so that even malformed attempts leave a trace.
   */
  async recordRejected(principal: Principal, kind: 'query' | 'explain', sql: string, error: AppError): Promise<string> {
    const record = await this.#deps.lineage.append(
      buildLineageEntry({ ...this.#baseFacts(kind, principal, sql, null, null, null, 0), error: { code: error.code, message: error.message } }),
    );
    this.#deps.metrics.queries.inc({ decision: 'deny', code: error.code });
    return record.id;
  }

  #baseFacts(kind: 'query' | 'explain', principal: Principal, sql: string, purpose: string | null, application: string | null, mode: Mode | null, totalMs: number): AttemptFacts {
    const d = this.#deps;
    return {
      kind, principal, sql, purpose, application, mode,
      timings: { totalMs },
      engine: d.engine, dataVersion: d.dataVersion, catalogVersion: d.catalogVersion,
    };
  }

  async #attempt(kind: 'query' | 'explain', principal: Principal, req: QueryRequest): Promise<QueryResponse | ExplainResponse> {
    const d = this.#deps;
    const started = performance.now();
    const queryId = crypto.randomUUID();
    const mode: Mode = req.mode ?? 'aggregate';
    const facts: { -readonly [K in keyof AttemptFacts]: AttemptFacts[K] } = this.#baseFacts(
      kind, principal, req.sql, req.purpose, req.application ?? null, mode, 0,
    );
    const timings: AttemptFacts['timings'] = { totalMs: 0 };
    facts.timings = timings;

    const refuse = async (error: AppError): Promise<never> => {
      facts.error = { code: error.code, message: error.message, ...(error.details?.violations ? { violations: error.details.violations } : {}) };
      timings.totalMs = performance.now() - started;
      const record = await d.lineage.append(buildLineageEntry(facts));
      d.metrics.queries.inc({ decision: facts.compiled ? 'error' : 'deny', code: error.code });
      d.metrics.stageSeconds.observe({ stage: 'total' }, timings.totalMs / 1000);
      error.lineageId = record.id;
      throw error;
    };

    if (Buffer.byteLength(req.sql, 'utf8') > MAX_SQL_BYTES) {
      return refuse(new AppError('BAD_REQUEST', `the SQL text exceeds ${MAX_SQL_BYTES} bytes`));
    }
    const wait = this.#buckets.take(principal.sub);
    if (wait > 0) {
      return refuse(new AppError('RATE_LIMITED', 'too many queries; slow down', { retryAfterSeconds: Math.ceil(wait) }));
    }

    const t0 = performance.now();
    const decision: Decision = await compileQuery({ sql: req.sql, mode }, principal, d.catalog, d.policy, d.compiler);
    timings.compileMs = performance.now() - t0;
    d.metrics.stageSeconds.observe({ stage: 'compile' }, timings.compileMs / 1000);

    if (decision.effect === 'deny') {
      facts.normalizedSql = decision.partial.normalizedSql ?? null;
      facts.fingerprint = decision.partial.fingerprint ?? null;
      facts.inputs = decision.partial.inputs ?? [];
      // A caller without a license for a dataset learns that, not how the policy would judge the query.
      const touched = decision.partial.datasets ?? [];
      const access = decideDatasetAccess(principal, touched, d.catalog);
      if (access.effect === 'deny') return refuse(accessError(access.code, access.datasets));
      return refuse(new AppError(decision.code, decision.message, { violations: decision.violations }));
    }

    const compiled = decision.compiled;
    const access = decideDatasetAccess(principal, compiled.datasets, d.catalog);
    if (access.effect === 'deny') {
      facts.inputs = compiled.inputs;
      facts.normalizedSql = compiled.normalizedSql;
      facts.fingerprint = compiled.fingerprint;
      return refuse(accessError(access.code, access.datasets));
    }
    facts.compiled = compiled;

    if (kind === 'explain') {
      timings.totalMs = performance.now() - started;
      const record = await d.lineage.append(buildLineageEntry(facts));
      d.metrics.queries.inc({ decision: 'allow', code: 'EXPLAIN' });
      return {
        queryId,
        lineageId: record.id,
        decision: 'allow',
        mode: compiled.mode,
        profile: compiled.profile,
        fingerprint: compiled.fingerprint,
        datasets: compiled.datasets,
        columns: compiled.outputs.map((o) => ({ name: o.name, protection: o.protection })),
        protections: { threshold: compiled.threshold, kAnonymity: compiled.kAnonymity, rowCap: compiled.rowCap },
      };
    }

    let result: GateResult;
    try {
      result = await d.executor.execute(compiled, { subject: principal.sub, queryId });
    } catch (e) {
      return refuse(isAppError(e) ? e : new AppError('INTERNAL', 'the query failed inside the sandbox'));
    }
    timings.executeMs = result.timings.executeMs;
    timings.gateMs = result.timings.gateMs;
    d.metrics.stageSeconds.observe({ stage: 'execute' }, result.timings.executeMs / 1000);
    d.metrics.stageSeconds.observe({ stage: 'gate' }, result.timings.gateMs / 1000);

    const body = { columns: result.columns, rows: result.rows, disclosure: result.disclosure };
    if (Buffer.byteLength(JSON.stringify(body), 'utf8') > this.#maxResultBytes) {
      return refuse(new AppError('RESOURCE_LIMIT', 'the result is larger than one response may carry; aggregate further or filter'));
    }

    facts.released = {
      rowCount: result.rows.length,
      sha256: result.resultSha256,
      suppressedGroups: result.disclosure.suppressedGroups,
      suppressedRows: result.disclosure.suppressedRows,
    };
    timings.totalMs = performance.now() - started;
    const t1 = performance.now();
    const record = await d.lineage.append(buildLineageEntry(facts));
    d.metrics.stageSeconds.observe({ stage: 'lineage' }, (performance.now() - t1) / 1000);
    d.metrics.stageSeconds.observe({ stage: 'total' }, (performance.now() - started) / 1000);
    d.metrics.queries.inc({ decision: 'allow', code: 'OK' });
    d.metrics.suppressedGroups.inc(result.disclosure.suppressedGroups);
    return { queryId, lineageId: record.id, ...body };
  }
}

function accessError(code: 'NOT_LICENSED' | 'DATASET_SUSPENDED', datasets: readonly string[]): AppError {
  const violations: Violation[] = datasets.map((ds) => ({
    rule: code,
    message: code === 'NOT_LICENSED' ? 'the license does not cover this dataset' : 'this dataset is suspended or withdrawn',
    column: ds,
  }));
  return code === 'NOT_LICENSED'
    ? new AppError('NOT_LICENSED', 'the license does not cover every dataset the query reads', { datasets: [...datasets], violations })
    : new AppError('DATASET_SUSPENDED', 'a dataset the query reads is suspended', { datasets: [...datasets], violations });
}
