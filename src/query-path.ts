// Starts the query path of a running service: the SQL compiler, the sandbox executor process, the lineage
// store and the metrics, joined in a QueryPipeline; and stops them in the reverse order. Kept apart from
// server.ts so that a service without a data domain (tests of the catalog, a fresh install) still starts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';
import { homePaths, type Config } from './config.ts';
import type { Catalog } from './catalog/schema.ts';
import type { LiveCatalog } from './catalog/live-catalog.ts';
import { restoreLiveCatalog, SYSTEM_PRINCIPAL } from './catalog/live-catalog-updates.ts';
import type { SigningKeys } from './auth/keys.ts';
import { canonicalJson } from './lineage/canonical-hash.ts';
import { openLineageStore } from './lineage/embedded-store.ts';
import type { LineageStore } from './lineage/store.ts';
import { SqlCompiler } from './sql/compile.ts';
import { OneRowPerUnit } from './sql/one-row-per-unit.ts';
import { UnitRowBounds } from './sql/unit-row-bounds.ts';
import { Sandbox } from '../sandbox/supervisor.ts';
import { createMetrics, type ServiceMetrics } from './api/metrics.ts';
import { QueryPipeline } from './api/query-pipeline.ts';
import type { Logger } from './api/logger.ts';
import { DpAnswerStore } from './dp/answer-store.ts';
import { BudgetLedger } from './dp/budget-ledger.ts';
import { openGovernance, type Governance } from './governance/governance.ts';
import { loadCalendar } from './governance/working-days.ts';

export interface QueryPath {
  readonly pipeline: QueryPipeline;
  readonly lineage: LineageStore;
  readonly metrics: ServiceMetrics;
  readonly sandbox: Sandbox;
  /** Applications and the other governance workflows; their transitions are recorded in `lineage`. */
  readonly governance: Governance;
  close(): Promise<void>;
}

/** A hash of the catalog's canonical JSON (lineage records name the live catalog's `v<n>:<hash>` instead). */
export const catalogVersion = (catalog: Catalog): string =>
  createHash('sha256').update(canonicalJson(catalog.datasets)).digest('hex').slice(0, 16);

/** Identifies the data a query ran against, cheaply: the domain file's size and modification time. */
export const dataVersion = (domainFile: string): string => {
  const st = fs.statSync(domainFile);
  return createHash('sha256').update(`${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 16);
};

/** The lineage store reports small facts (counts, file names, reasons); the logger takes only scalars. */
const logFields = (f: Record<string, unknown> | undefined): Record<string, string | number | boolean | null> =>
  Object.fromEntries(
    Object.entries(f ?? {}).map(([k, v]) => [k, v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as string) : JSON.stringify(v)]),
  );

export async function startQueryPath(opts: {
  config: Config;
  /** The live catalog and policy: the query path gives it compilers and numbers its version from the log. */
  live: LiveCatalog;
  keys: SigningKeys;
  serverSecret: Buffer;
  logger: Logger;
  dsbxVersion: string;
}): Promise<QueryPath> {
  const { config, live, keys, serverSecret, logger } = opts;
  const catalog = live.catalog;
  const paths = homePaths(config.home);
  fs.mkdirSync(paths.tmp, { recursive: true });
  const metrics = createMetrics({
    sandboxRestarts: () => sandbox?.stats().restarts ?? 0,
    governanceOverdue: () => ({ application: governance?.applications.overdueCount() ?? 0, catalog_change: governance?.catalogChanges.overdueCount() ?? 0 }),
  });
  const lineage = await openLineageStore({
    dir: paths.lineage,
    signer: { kid: keys.kid, privateKey: keys.privateKey },
    publicJwk: keys.publicJwk,
    checkpointEvery: config.lineageCheckpointEvery,
    log: {
      info: (m, f) => logger.info('lineage', { message: m, ...logFields(f) }),
      warn: (m, f) => logger.warn('lineage', { message: m, ...logFields(f) }),
      error: (m, f) => logger.error('lineage', { message: m, ...logFields(f) }),
    },
  });
  let sandbox: Sandbox | undefined;
  const oneRowPerUnit = new OneRowPerUnit();
  const unitRowBounds = new UnitRowBounds();
  let dp: { ledger: BudgetLedger; answers: DpAnswerStore };
  let governance: Governance | undefined;
  try {
    governance = openGovernance({
      stateDir: paths.state,
      revokedFile: paths.revoked,
      calendar: loadCalendar(config.policiesDir),
      catalog,
      lineage,
      context: {
        engine: { duckdb: duckdbVersion(), dsbx: opts.dsbxVersion },
        dataVersion: dataVersion(paths.domain),
        // Read at each record: a transition is recorded under the version current when it happened.
        get catalogVersion() {
          return live.current().id;
        },
      },
    });
    // The lineage log is the ε ledger: what each subject spent is summed from it before any query runs.
    const dpDatasets = catalog.datasets.filter((d) => d.profile === 'dp').map((d) => d.id);
    const answers = DpAnswerStore.open(path.join(paths.state, 'dp-answers.ndjson'));
    if (answers.skipped > 0) logger.warn('dp', { message: 'recorded dp answers skipped (damaged lines); their queries will be charged again', skipped: answers.skipped });
    dp = { ledger: await BudgetLedger.fromLineage(lineage, live.policy.profiles.dp.budget, dpDatasets), answers };
    // Files plus the applied catalog changes, numbered as the governance log says, each version with its compiler.
    live.useCompilers((c) => SqlCompiler.create(c, { oneRowPerUnit, unitRowBounds }));
    const g = governance;
    await restoreLiveCatalog(live, g.catalogChanges, () =>
      g.record(SYSTEM_PRINCIPAL, { action: 'catalog.versioned', reason: null, application: null, datasets: [] }),
    );
    const recovered = await governance.recoverUnrecorded();
    if (recovered.length) logger.warn('governance', { message: 'transitions without a lineage record (a crash) recorded now, marked recovered', count: recovered.length });
    sandbox = await Sandbox.start({
      // The real path: DuckDB locates the WAL beside the file it resolves, and a locked instance may not
      // touch any other path, so a symlinked domain.duckdb would otherwise fail to open.
      domainFile: fs.realpathSync(paths.domain),
      tmpDir: paths.tmp,
      pseudonymSecret: serverSecret,
      ...config.sandbox,
    });
    // Tables the catalog says hold one row per person are checked against the data before any query.
    const running = sandbox;
    const units = await oneRowPerUnit.verify(catalog, async (check) => (await running.execute(check, { subject: 'dsbx', queryId: 'one-row-per-unit' })).rows[0]?.[0]);
    if (units.refuted.length > 0) logger.warn('catalog', { message: 'not one row per privacy unit in the data: units counted with count(DISTINCT)', tables: units.refuted.join(',') });
    // And how many rows k−1 people hold in every other personal table, so that count(*) decides most groups.
    const bounds = await unitRowBounds.measure(
      catalog, live.policy.profiles.threshold.k,
      async (measure) => (await running.execute(measure, { subject: 'dsbx', queryId: 'unit-row-bound' })).rows[0],
    );
    if (bounds.failed.length > 0) logger.warn('catalog', { message: 'rows per privacy unit not measured: units counted with count(DISTINCT)', tables: bounds.failed.join(',') });
  } catch (e) {
    live.close();
    governance?.close();
    await lineage.close();
    throw e;
  }
  const pipeline = new QueryPipeline({
    catalog,
    policy: live.policy,
    // Getters: each query pins one snapshot (pin below), and reads these from it from compile to lineage.
    get compiler() {
      const c = live.current().compiler;
      if (!c) throw new Error('query path: the live catalog has no compiler');
      return c;
    },
    get catalogVersion() {
      return live.current().id;
    },
    pin: (f) => live.pin(f),
    executor: sandbox,
    lineage,
    metrics,
    engine: { duckdb: duckdbVersion(), dsbx: opts.dsbxVersion },
    dataVersion: dataVersion(paths.domain),
    rateLimit: config.rateLimit,
    dp,
    applications: governance.applications,
    datasetStatus: governance.datasetStatus,
  });
  const started = { sandbox, governance };
  return {
    pipeline,
    lineage,
    metrics,
    sandbox,
    governance,
    async close() {
      await started.sandbox.close();
      live.close();
      started.governance.close();
      await lineage.close();
    },
  };
}
