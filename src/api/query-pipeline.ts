// The query path end to end, behind POST /v1/query and /v1/query/explain: rate limit, size limit, compile,
// license and dataset status, execute in the sandbox, record lineage, answer. Every attempt that reaches it
// leaves exactly one lineage record, written (and fsync'd) before the caller hears anything.
import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { Catalog, Dataset } from '../catalog/schema.ts';
import { AppError, isAppError, type Violation } from '../errors.ts';
import type { LineageStore } from '../lineage/store.ts';
import type { Decision } from '../policy/decision.ts';
import type { Policy } from '../policy/schema.ts';
import type { CompiledQuery, Mode } from '../sql/compiled.ts';
import { compileQuery } from '../sql/compile.ts';
import { DecisionCache } from '../sql/decision-cache.ts';
import type { SqlCompiler } from '../sql/compile.ts';
import type { GateResult } from '../../sandbox/gate/types.ts';
import { answerKey, type DpAnswerStore, type StoredAnswer } from '../dp/answer-store.ts';
import type { BudgetLedger, BudgetLine, Reservation } from '../dp/budget-ledger.ts';
import { lineageNoise, noiseDisclosure, type BudgetDisclosure, type NoiseDisclosure } from '../dp/disclosure.ts';
import { epsilonMicros, NoisePlanError, planNoise, type NoisePlan } from '../dp/noise-plan.ts';
import { decideDatasetAccess } from './dataset-access.ts';
import { bindApplication, type ApplicationGrant, type ApplicationLookup, type QueryUse } from '../governance/purpose-binding.ts';
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
  /**
   * Runs one attempt with the live catalog's current snapshot pinned, so that catalog, policy, compiler and
   * catalogVersion read above stay the same from compile to lineage record even if a new version is installed.
   */
  readonly pin?: <T>(f: () => Promise<T>) => Promise<T>;
  readonly rateLimit?: { readonly capacity: number; readonly refillPerSecond: number };
  /** Largest serialized result that may leave in one response. */
  readonly maxResultBytes?: number;
  /** Differential privacy: the ε ledger and the recorded answers. Without them a dp query is refused. */
  readonly dp?: { readonly ledger: BudgetLedger; readonly answers: DpAnswerStore };
  /** Governance: the applications a query may name (art. 16). Without it a query naming one is refused. */
  readonly applications?: ApplicationLookup;
  /** Governance: dataset status over the catalog's (suspensions, art. 19 and 26). */
  readonly datasetStatus?: { status(dataset: string): Dataset['status'] | undefined };
}

/** GateResult's disclosure, plus the noise and budget of a dp release. */
export type ResponseDisclosure = GateResult['disclosure'] & { readonly noise?: NoiseDisclosure; readonly budget?: readonly BudgetDisclosure[] };

export interface QueryResponse {
  readonly queryId: string;
  readonly lineageId: string;
  readonly columns: GateResult['columns'];
  readonly rows: GateResult['rows'];
  readonly disclosure: ResponseDisclosure;
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
  readonly dp?: { readonly cost: number; readonly repeat: boolean; readonly noise: NoiseDisclosure; readonly budget: readonly BudgetLine[] };
}

/** A dp query made ready to run: its ε, its calibrated noise, the datasets it charges and its repeat key. */
interface DpPrepared {
  readonly compiled: CompiledQuery;
  readonly plan: NoisePlan;
  readonly datasets: readonly string[];
  readonly key: string;
  readonly services: NonNullable<QueryPipelineDeps['dp']>;
}

const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

export class QueryPipeline {
  readonly #deps: QueryPipelineDeps;
  readonly #buckets: TokenBuckets;
  /** The compiler's decisions by catalog version and input (src/sql/decision-cache.ts). */
  readonly #decisions = new DecisionCache();
  readonly #maxResultBytes: number;
  /** Identical dp queries in flight, by answer key: a second waits for the first and then gets its answer. */
  readonly #dpInFlight = new Map<string, Promise<unknown>>();

  constructor(deps: QueryPipelineDeps) {
    this.#deps = deps;
    this.#buckets = new TokenBuckets(deps.rateLimit ?? { capacity: 60, refillPerSecond: 10 });
    this.#maxResultBytes = deps.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    if (!(this.#maxResultBytes > 0)) throw new Error('query pipeline: maxResultBytes must be positive');
  }

  #pinned<T>(f: () => Promise<T>): Promise<T> {
    return this.#deps.pin ? this.#deps.pin(f) : f();
  }

  run(principal: Principal, req: QueryRequest): Promise<QueryResponse> {
    return this.#pinned(() => this.#attempt('query', principal, req)) as Promise<QueryResponse>;
  }

  explain(principal: Principal, req: QueryRequest): Promise<ExplainResponse> {
    return this.#pinned(() => this.#attempt('explain', principal, req)) as Promise<ExplainResponse>;
  }

  /** The caller's ε budget on every dp dataset their license covers. */
  budgets(principal: Principal): BudgetLine[] {
    const ledger = this.#deps.dp?.ledger;
    if (!ledger) return [];
    const dpDatasets = this.#deps.catalog.datasets
      .filter((d) => d.profile === 'dp' && (principal.datasets === 'all' || principal.datasets.includes(d.id)))
      .map((d) => d.id);
    return ledger.lines(principal.sub, dpDatasets);
  }

  /** ε, calibration, charged datasets and repeat key of a dp query; BAD_REQUEST for an ε the policy does not allow. */
  #prepareDp(principal: Principal, req: QueryRequest, compiled: CompiledQuery): DpPrepared {
    const d = this.#deps;
    const services = d.dp;
    if (!services || compiled.dp === undefined) throw new AppError('INTERNAL', 'differential privacy is not available for this query');
    const profile = d.policy.profiles.dp;
    const epsilon = req.dp?.epsilon ?? profile.epsilonPerQuery;
    if (epsilon > profile.maxEpsilonPerQuery) {
      throw new AppError('BAD_REQUEST', `epsilon may be at most ${profile.maxEpsilonPerQuery} per query`, { maxEpsilonPerQuery: profile.maxEpsilonPerQuery });
    }
    // δ (group presence under noisy thresholding) is spent in proportion to ε: policy dp.delta is the total for a
    // whole budget, so that many small-ε queries cannot add up an unbounded δ (basic composition sums both).
    const delta = (profile.delta * epsilon) / profile.budget;
    try {
      epsilonMicros(epsilon);
    } catch {
      throw new AppError('BAD_REQUEST', 'epsilon must be positive with at most six decimals');
    }
    const withEpsilon: CompiledQuery = { ...compiled, dp: { ...compiled.dp, epsilon, delta } };
    let plan: NoisePlan;
    try {
      plan = planNoise(withEpsilon.dp!);
    } catch (e) {
      if (e instanceof NoisePlanError) throw new AppError('INTERNAL', 'differential privacy is not available for this query');
      throw e;
    }
    const datasets = compiled.datasets.filter((id) => d.catalog.dataset(id)?.profile === 'dp');
    const key = answerKey({
      subject: principal.sub, fingerprint: compiled.fingerprint, epsilon: plan.epsilon, mode: compiled.mode,
      maxGroups: plan.maxGroups, maxRows: plan.maxRows, dataVersion: d.dataVersion, catalogVersion: d.catalogVersion,
    });
    return { compiled: withEpsilon, plan, datasets, key, services };
  }

  /**
   * Why the caller may not read these datasets, or null: suspension first, then the application the query
   * names (it must permit the whole query, art. 16), then the license's grants plus the application's.
   */
  #accessRefusal(principal: Principal, req: QueryRequest, use: QueryUse): AppError | null {
    const d = this.#deps;
    let grant: ApplicationGrant | undefined;
    let bindingError: AppError | null = null;
    if (req.application !== undefined) {
      const lookup = d.applications;
      const bound = lookup
        ? bindApplication(lookup.get(req.application), principal, use, d.catalog, lookup.today())
        : ({ ok: false, rule: 'APPLICATION_NOT_USABLE' } as const);
      if (bound.ok) grant = bound.grant;
      else {
        bindingError = new AppError('NOT_LICENSED', 'the named application does not permit this query', {
          violations: [{ rule: bound.rule, message: 'the application must be approved, in its period, held by your organisation, and cover every column in the mode used' }],
        });
      }
    }
    const status = d.datasetStatus ? (ds: string) => d.datasetStatus!.status(ds) : undefined;
    const access = decideDatasetAccess(principal, use.datasets, d.catalog, grant, status);
    if (access.effect === 'deny' && access.code === 'DATASET_SUSPENDED') return accessError(access.code, access.datasets);
    if (bindingError) return bindingError;
    return access.effect === 'deny' ? accessError(access.code, access.datasets) : null;
  }

  /** Runs `f` after any identical dp query still in flight, so that a repeat finds the recorded answer. */
  async #serialByKey<T>(key: string, f: () => Promise<T>): Promise<T> {
    const before = this.#dpInFlight.get(key) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(f);
    this.#dpInFlight.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#dpInFlight.get(key) === run) this.#dpInFlight.delete(key);
    }
  }

  /**
   * Records a request that never reached compilation (e.g. a body that failed validation) and returns its
   * lineage id, so that even malformed attempts leave a trace.
   */
  recordRejected(principal: Principal, kind: 'query' | 'explain', sql: string, error: AppError): Promise<string> {
    return this.#pinned(() => this.#recordRejected(principal, kind, sql, error));
  }

  async #recordRejected(principal: Principal, kind: 'query' | 'explain', sql: string, error: AppError): Promise<string> {
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
    // Art. 16: beside the purpose the caller states, the one the named application was made for (if theirs).
    const named = req.application !== undefined ? d.applications?.get(req.application) : undefined;
    if (named && named.applicant.org === principal.org) facts.applicationPurpose = named.request.purpose;

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
    const dpBounds = { ...(req.dp?.maxGroups ? { maxGroups: req.dp.maxGroups } : {}), ...(req.dp?.maxRows ? { maxRows: req.dp.maxRows } : {}) };
    const input = { sql: req.sql, mode, dpBounds };
    const decision: Decision = await this.#decisions.decide(d.catalogVersion, input, () => compileQuery(input, principal, d.catalog, d.policy, d.compiler));
    timings.compileMs = performance.now() - t0;
    d.metrics.stageSeconds.observe({ stage: 'compile' }, timings.compileMs / 1000);

    if (decision.effect === 'deny') {
      facts.normalizedSql = decision.partial.normalizedSql ?? null;
      facts.fingerprint = decision.partial.fingerprint ?? null;
      facts.inputs = decision.partial.inputs ?? [];
      // A caller without a license for a dataset learns that, not how the policy would judge the query.
      const touched = decision.partial.datasets ?? [];
      const denied = this.#accessRefusal(principal, req, { datasets: touched, mode });
      if (denied) return refuse(denied);
      return refuse(new AppError(decision.code, decision.message, { violations: decision.violations }));
    }

    const compiled = decision.compiled;
    const denied = this.#accessRefusal(principal, req, { datasets: compiled.datasets, inputs: compiled.inputs, mode: compiled.mode });
    if (denied) {
      facts.inputs = compiled.inputs;
      facts.normalizedSql = compiled.normalizedSql;
      facts.fingerprint = compiled.fingerprint;
      return refuse(denied);
    }
    facts.compiled = compiled;

    let dp: DpPrepared | null = null;
    if (compiled.profile === 'dp') {
      try {
        dp = this.#prepareDp(principal, req, compiled);
      } catch (e) {
        return refuse(isAppError(e) ? e : new AppError('INTERNAL', 'differential privacy is not available for this query'));
      }
    }

    if (kind === 'explain') {
      let dpExplain: ExplainResponse['dp'];
      if (dp) {
        const repeat = dp.services.answers.get(dp.key) !== undefined;
        const budget = dp.services.ledger.lines(principal.sub, dp.datasets);
        dpExplain = { cost: repeat ? 0 : dp.plan.epsilon, repeat, noise: noiseDisclosure(dp.plan, repeat), budget };
        facts.dp = { noise: lineageNoise(dp.plan), epsilonCharged: 0, budgetAfter: Object.fromEntries(budget.map((b) => [b.dataset, b.remaining])) };
      }
      timings.totalMs = performance.now() - started;
      const record = await d.lineage.append(buildLineageEntry(facts));
      d.metrics.queries.inc({ decision: 'allow', code: 'EXPLAIN' });
      return {
        ...(dpExplain ? { dp: dpExplain } : {}),
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

    if (dp) {
      const prepared = dp;
      return this.#serialByKey(prepared.key, () => runDpRelease(d, this.#maxResultBytes, principal, prepared, queryId, facts, timings, started, refuse));
    }

    const result = await executeInSandbox(d, compiled, principal, queryId, timings, refuse);
    if (result.answeredBy !== undefined) facts.answeredBy = result.answeredBy;

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

/**
 * Runs a compiled query in the sandbox and records its stage timings. Every failure is refused (and so
 * recorded); a suspension decided while the query waited or ran still takes effect: nothing leaves
 * (arts. 19, 26).
 */
async function executeInSandbox(
  d: QueryPipelineDeps,
  compiled: CompiledQuery,
  principal: Principal,
  queryId: string,
  timings: AttemptFacts['timings'],
  refuse: (error: AppError) => Promise<never>,
): Promise<GateResult> {
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
  const suspendedNow = d.datasetStatus ? compiled.datasets.filter((ds) => d.datasetStatus!.status(ds) !== 'active') : [];
  if (suspendedNow.length) return refuse(accessError('DATASET_SUSPENDED', suspendedNow));
  return result;
}

type MutableFacts = { -readonly [K in keyof AttemptFacts]: AttemptFacts[K] };

/**
 * The dp half of QueryPipeline.#attempt, kept apart for reading: a repeat gets the recorded answer at no
 * cost; otherwise ε is reserved before execution, charged for good once execution has started (the noise
 * may have been drawn: refunding a failure would let a caller retry until a draw pleases them, and a
 * timeout can depend on the data), written with the lineage record before anything is returned, and the
 * answer is kept for repeats.
 */
async function runDpRelease(
  d: QueryPipelineDeps,
  maxResultBytes: number,
  principal: Principal,
  dp: DpPrepared,
  queryId: string,
  facts: MutableFacts,
  timings: AttemptFacts['timings'],
  started: number,
  refuse: (error: AppError) => Promise<never>,
): Promise<QueryResponse> {
  const { ledger, answers } = dp.services;
  const noise = lineageNoise(dp.plan);
  const recorded = answers.get(dp.key);
  if (recorded) {
    const lines = ledger.lines(principal.sub, dp.datasets);
    facts.dp = { noise, epsilonCharged: 0, budgetAfter: Object.fromEntries(lines.map((b) => [b.dataset, b.remaining])) };
    facts.released = { rowCount: recorded.rows.length, sha256: recorded.resultSha256, suppressedGroups: 0, suppressedRows: 0 };
    timings.totalMs = performance.now() - started;
    const record = await d.lineage.append(buildLineageEntry(facts));
    d.metrics.queries.inc({ decision: 'allow', code: 'OK' });
    const disclosure = {
      ...(recorded.disclosure as unknown as ResponseDisclosure),
      noise: noiseDisclosure(dp.plan, true),
      budget: lines.map((b) => ({ ...b, charged: 0 })),
    };
    return { queryId, lineageId: record.id, columns: recorded.columns as unknown as GateResult['columns'], rows: recorded.rows, disclosure };
  }

  let reservation: Reservation;
  try {
    reservation = ledger.reserve(principal.sub, dp.datasets, dp.plan.epsilon);
  } catch (e) {
    const lines = ledger.lines(principal.sub, dp.datasets);
    facts.dp = { noise, epsilonCharged: 0, budgetAfter: Object.fromEntries(lines.map((b) => [b.dataset, b.remaining])) };
    return refuse(isAppError(e) ? e : new AppError('INTERNAL', 'the budget could not be reserved'));
  }
  const charged = { noise, epsilonCharged: reservation.epsilon, budgetAfter: reservation.remainingAfter };
  // From here on the ε is spent, whatever happens (see above).
  reservation.commit();
  facts.dp = charged;

  // A suspension decided while the query ran keeps its answer in here too (the ε stays spent).
  const result = await executeInSandbox(d, dp.compiled, principal, queryId, timings, refuse);
  const lines = ledger.lines(principal.sub, dp.datasets);
  const disclosure: ResponseDisclosure = {
    ...result.disclosure,
    noise: noiseDisclosure(dp.plan, false),
    budget: lines.map((b) => ({ ...b, charged: reservation.epsilon })),
  };
  const body = { columns: result.columns, rows: result.rows, disclosure };
  if (Buffer.byteLength(JSON.stringify(body), 'utf8') > maxResultBytes) {
    return refuse(new AppError('RESOURCE_LIMIT', 'the result is larger than one response may carry; aggregate further or filter'));
  }
  facts.released = { rowCount: result.rows.length, sha256: result.resultSha256, suppressedGroups: 0, suppressedRows: 0 };
  timings.totalMs = performance.now() - started;
  const t1 = performance.now();
  const record = await d.lineage.append(buildLineageEntry(facts));
  d.metrics.stageSeconds.observe({ stage: 'lineage' }, (performance.now() - t1) / 1000);
  d.metrics.stageSeconds.observe({ stage: 'total' }, (performance.now() - started) / 1000);
  d.metrics.queries.inc({ decision: 'allow', code: 'OK' });
  const stored: StoredAnswer = {
    key: dp.key, lineageId: record.id, columns: body.columns.map((c) => ({ ...c })) as StoredAnswer['columns'],
    rows: body.rows, disclosure: { ...disclosure } as StoredAnswer['disclosure'], resultSha256: result.resultSha256,
  };
  // A lost answer (the write failed) only means that the next identical query is charged and answered anew.
  await answers.put(stored).catch(() => undefined);
  return { queryId, lineageId: record.id, ...body };
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
