// A fuzz target without HTTP: compileQuery and the real sandbox process (Sandbox.execute), wired as
// src/query-path.ts wires them (one-row-per-unit facts and unit row bounds measured at start), for campaigns
// too large to send through the app in CI time. A refusal is answered with its error code's HTTP status; a
// released result is scanned as the app would serialize it. dp datasets are answered by the pipeline's dp
// release (noise, budget), not by Sandbox.execute alone: their allowed queries are compiled here but
// executed only by the HTTP target.
// Differentially, every release offered a unit count by rows (src/sql/unit-row-bounds.ts) also runs without
// it, and must release the same groups with the same values and disclosure as count(DISTINCT) does; a
// difference is answered as an INTERNAL 500 with cause unit_count_by_rows_mismatch, which the campaign
// reports as a finding.
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../../src/auth/principal.ts';
import type { Catalog } from '../../src/catalog/schema.ts';
import type { Config } from '../../src/config.ts';
import { AppError, ERROR_STATUS, isAppError } from '../../src/errors.ts';
import type { Policy } from '../../src/policy/schema.ts';
import { compileQuery, SqlCompiler } from '../../src/sql/compile.ts';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { OneRowPerUnit } from '../../src/sql/one-row-per-unit.ts';
import { UnitRowBounds } from '../../src/sql/unit-row-bounds.ts';
import { Sandbox, type GateResult } from '../../sandbox/supervisor.ts';
import { releaseText } from '../support/release-text.ts';
import type { FuzzTarget } from './campaign.ts';

export interface DirectTarget extends FuzzTarget {
  /** Allowed queries on dp datasets, compiled but not executed here. */
  readonly dpSkipped: () => number;
  /** Releases run both with their unit count by rows and without it, and compared. */
  readonly comparedByRows: () => number;
  close(): Promise<void>;
}

const PRINCIPAL: Principal = { sub: 'fuzz', org: 'fuzz', roles: ['developer'], datasets: 'all', jti: 'fuzz', exp: 2e9 };

const refusal = (e: AppError): { status: number; text: string } => ({ status: e.status, text: JSON.stringify(e.toBody()) });

/** `sandbox` is the service's own sandbox configuration (loadConfig(env).sandbox), so limits match the app's. */
export async function directTarget(o: { catalog: Catalog; policy: Policy; domainFile: string; tmpDir: string; sandbox: Config['sandbox'] }): Promise<DirectTarget> {
  const dpDatasets = new Set(o.catalog.datasets.filter((d) => d.profile === 'dp').map((d) => d.id));
  fs.mkdirSync(o.tmpDir, { recursive: true });
  const sandbox = await Sandbox.start({
    domainFile: fs.realpathSync(o.domainFile),
    tmpDir: path.resolve(o.tmpDir),
    pseudonymSecret: Buffer.alloc(32, 7),
    ...o.sandbox,
  });
  const ctx = { subject: 'dsbx', queryId: 'fuzz-facts' };
  const oneRowPerUnit = new OneRowPerUnit();
  await oneRowPerUnit.verify(o.catalog, async (check) => (await sandbox.execute(check, ctx)).rows[0]?.[0]);
  const unitRowBounds = new UnitRowBounds();
  await unitRowBounds.measure(o.catalog, o.policy.profiles.threshold.k, async (m) => (await sandbox.execute(m, ctx)).rows[0]);
  const compiler = await SqlCompiler.create(o.catalog, { oneRowPerUnit, unitRowBounds });
  let dpSkipped = 0;
  let compared = 0;
  let n = 0;
  /** Whether the release without the unit count by rows is the same (rows as a multiset: no ORDER BY need hold). */
  const sameAsExact = async (compiled: CompiledQuery, released: GateResult): Promise<boolean> => {
    if (compiled.unitCountByRows === undefined || released.disclosure.truncated || /\bLIMIT\b/.test(compiled.sql)) return true;
    const { unitCountByRows: _, ...exactPlan } = compiled;
    let exact: GateResult;
    try {
      exact = await sandbox.execute(exactPlan, { subject: PRINCIPAL.sub, queryId: `fuzz-exact-${n++}` });
    } catch {
      return true;
    }
    compared++;
    return releaseText(released) === releaseText(exact);
  };
  return {
    dpSkipped: () => dpSkipped,
    comparedByRows: () => compared,
    async send(q) {
      const decision = await compileQuery({ sql: q.sql, mode: q.mode }, PRINCIPAL, o.catalog, o.policy, compiler);
      if (decision.effect === 'deny') return { status: ERROR_STATUS[decision.code], text: JSON.stringify({ error: { code: decision.code, message: decision.message, details: { violations: decision.violations } } }) };
      const compiled = decision.compiled;
      if (compiled.datasets.some((d) => dpDatasets.has(d))) {
        dpSkipped++;
        return { status: 200, text: JSON.stringify({ compiledOnly: compiled.normalizedSql }) };
      }
      try {
        const result = await sandbox.execute(compiled, { subject: PRINCIPAL.sub, queryId: `fuzz-${n++}` });
        if (!(await sameAsExact(compiled, result))) {
          return { status: 500, text: JSON.stringify({ error: { code: 'INTERNAL', message: 'the unit count by rows released what count(DISTINCT) would not', details: { cause: 'unit_count_by_rows_mismatch' } } }) };
        }
        return { status: 200, text: JSON.stringify({ columns: result.columns, rows: result.rows, disclosure: result.disclosure }) };
      } catch (e) {
        return refusal(isAppError(e) ? e : new AppError('INTERNAL', 'the query failed inside the sandbox'));
      }
    },
    async health() {
      const d = await compileQuery({ sql: 'SELECT district, count(*) AS n FROM population.residents GROUP BY 1', mode: 'aggregate' }, PRINCIPAL, o.catalog, o.policy, compiler);
      if (d.effect !== 'allow') return 500;
      const r = await sandbox.execute(d.compiled, { subject: PRINCIPAL.sub, queryId: `fuzz-health-${n++}` });
      return r.rows.length > 0 ? 200 : 500;
    },
    async close() {
      await sandbox.close();
      compiler.close();
    },
  };
}
