// A fuzz target without HTTP: compileQuery and the real sandbox process (Sandbox.execute), wired as
// src/query-path.ts wires them, for campaigns too large to send through the app in CI time. A refusal is
// answered with its error code's HTTP status; a released result is scanned as the app would serialize it.
// dp datasets are answered by the pipeline's dp release (noise, budget), not by Sandbox.execute alone: their
// allowed queries are compiled here but executed only by the HTTP target.
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../../src/auth/principal.ts';
import type { Catalog } from '../../src/catalog/schema.ts';
import type { Config } from '../../src/config.ts';
import { AppError, ERROR_STATUS, isAppError } from '../../src/errors.ts';
import type { Policy } from '../../src/policy/schema.ts';
import { compileQuery, SqlCompiler } from '../../src/sql/compile.ts';
import { Sandbox } from '../../sandbox/supervisor.ts';
import type { FuzzTarget } from './campaign.ts';

export interface DirectTarget extends FuzzTarget {
  /** Allowed queries on dp datasets, compiled but not executed here. */
  readonly dpSkipped: () => number;
  close(): Promise<void>;
}

const PRINCIPAL: Principal = { sub: 'fuzz', org: 'fuzz', roles: ['developer'], datasets: 'all', jti: 'fuzz', exp: 2e9 };

const refusal = (e: AppError): { status: number; text: string } => ({ status: e.status, text: JSON.stringify(e.toBody()) });

/** `sandbox` is the service's own sandbox configuration (loadConfig(env).sandbox), so limits match the app's. */
export async function directTarget(o: { catalog: Catalog; policy: Policy; domainFile: string; tmpDir: string; sandbox: Config['sandbox'] }): Promise<DirectTarget> {
  const dpDatasets = new Set(o.catalog.datasets.filter((d) => d.profile === 'dp').map((d) => d.id));
  fs.mkdirSync(o.tmpDir, { recursive: true });
  const compiler = await SqlCompiler.create(o.catalog);
  const sandbox = await Sandbox.start({
    domainFile: fs.realpathSync(o.domainFile),
    tmpDir: path.resolve(o.tmpDir),
    pseudonymSecret: Buffer.alloc(32, 7),
    ...o.sandbox,
  });
  let dpSkipped = 0;
  let n = 0;
  return {
    dpSkipped: () => dpSkipped,
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
