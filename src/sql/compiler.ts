// SqlCompiler: the compiler's own DuckDB instances. A parser instance (no data) serializes and renders
// ASTs; a plan-check instance holds EMPTY copies of the catalog tables and the sandbox macros, so that
// json_serialize_plan binds exactly what the sandbox would run. Neither ever opens the real domain file;
// both have external access and extension loading off and their configuration locked.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/schema.ts';
import { SANDBOX_MACROS } from '../../sandbox/macros.ts';
import { ConnectionPool } from './connection-pool.ts';
import type { Json } from './duckdb-json.ts';
import { OneRowPerUnit } from './one-row-per-unit.ts';
import { UnitRowBounds } from './unit-row-bounds.ts';

const LOCKED_OPTIONS = {
  enable_external_access: 'false',
  autoload_known_extensions: 'false',
  autoinstall_known_extensions: 'false',
  allow_community_extensions: 'false',
  allow_unsigned_extensions: 'false',
  threads: '1',
  memory_limit: '256MB',
};

const POOL_SIZE = 4;

const quoteIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** DDL for empty copies of every catalog table (names and types come from the validated catalog). */
export function catalogDdl(catalog: Catalog): string[] {
  const ddl: string[] = [];
  for (const d of catalog.datasets) {
    ddl.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(d.id)}`);
    for (const t of d.tables) {
      const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
      ddl.push(`CREATE TABLE ${quoteIdent(d.id)}.${quoteIdent(t.name)} (${cols})`);
    }
  }
  return ddl;
}

async function lockedInstance(): Promise<DuckDBInstance> {
  return DuckDBInstance.create(':memory:', LOCKED_OPTIONS);
}

async function connections(instance: DuckDBInstance, n: number, setup: string[]): Promise<DuckDBConnection[]> {
  const out: DuckDBConnection[] = [];
  for (let i = 0; i < n; i++) {
    const c = await instance.connect();
    // Temporary macros live in each connection's temp catalog, so every pooled connection defines them.
    for (const s of setup) await c.run(s);
    out.push(c);
  }
  return out;
}

export type PlanResult = { readonly ok: true; readonly plan: Json } | { readonly ok: false };

/** json_serialize_plan's answer: the plan, or ok:false for a binder error (or anything unreadable). */
function planResultOf(text: string): PlanResult {
  try {
    const j = JSON.parse(text) as Json;
    return typeof j === 'object' && j !== null && !Array.isArray(j) && j['error'] === false ? { ok: true, plan: j } : { ok: false };
  } catch {
    return { ok: false };
  }
}

export class SqlCompiler {
  private constructor(
    /** Tables verified to hold one row per privacy unit (none until the query path has checked the data). */
    readonly oneRowPerUnit: OneRowPerUnit,
    /** Rows fewer than k units can hold, per personal table (none until the query path has measured them). */
    readonly unitRowBounds: UnitRowBounds,
    private readonly parserInstance: DuckDBInstance,
    private readonly planInstance: DuckDBInstance,
    private readonly parserPool: ConnectionPool,
    private readonly planPool: ConnectionPool,
  ) {}

  static async create(catalog: Catalog, opts: { readonly oneRowPerUnit?: OneRowPerUnit; readonly unitRowBounds?: UnitRowBounds } = {}): Promise<SqlCompiler> {
    const parserInstance = await lockedInstance();
    const parserConns = await connections(parserInstance, POOL_SIZE, []);
    await parserConns[0]!.run('SET lock_configuration = true');

    const planInstance = await lockedInstance();
    const ddlConn = await planInstance.connect();
    for (const s of catalogDdl(catalog)) await ddlConn.run(s);
    ddlConn.closeSync();
    const planConns = await connections(planInstance, POOL_SIZE, [...SANDBOX_MACROS]);
    await planConns[0]!.run('SET lock_configuration = true');
    return new SqlCompiler(opts.oneRowPerUnit ?? new OneRowPerUnit(), opts.unitRowBounds ?? new UnitRowBounds(), parserInstance, planInstance, new ConnectionPool(parserConns), new ConnectionPool(planConns));
  }

  /** DuckDB's own parse of the caller's text (attacker-controlled; bound as a parameter, never spliced). */
  async serialize(sql: string): Promise<Json> {
    return this.parserPool.use(async (c) => {
      const p = await c.statement('SELECT json_serialize_sql($1::VARCHAR)');
      p.bindVarchar(1, sql);
      const r = await p.runAndReadAll();
      return JSON.parse(String(r.getRowsJson()[0]?.[0])) as Json;
    });
  }

  /** Renders ASTs (json_serialize_sql shape) back to SQL text, several in one round trip. */
  async deserialize(asts: readonly Json[]): Promise<(string | null)[]> {
    if (asts.length === 0) return [];
    return this.parserPool.use(async (c) => {
      const select = asts.map((_, i) => `json_deserialize_sql($${i + 1}::JSON)`).join(', ');
      try {
        const p = await c.statement(`SELECT ${select}`);
        asts.forEach((a, i) => p.bindVarchar(i + 1, JSON.stringify(a)));
        const r = await p.runAndReadAll();
        return (r.getRowsJson()[0] ?? []).map((v) => (typeof v === 'string' ? v : null));
      } catch {
        return asts.map(() => null);
      }
    });
  }

  /**
   * Whether every string constant converts to its target type (DuckDB's own conversion, TRY_CAST): the
   * values are the caller's literals, bound as parameters; the type spellings come from a closed list.
   */
  async castsConvert(casts: readonly { readonly value: string; readonly target: string }[]): Promise<boolean> {
    if (casts.length === 0) return true;
    return this.parserPool.use(async (c) => {
      const checks = casts.map((x, i) => `TRY_CAST($${i + 1}::VARCHAR AS ${x.target}) IS NOT NULL`).join(' AND ');
      try {
        const p = await c.connection.prepare(`SELECT ${checks}`);
        casts.forEach((x, i) => p.bindVarchar(i + 1, x.value));
        const r = await p.runAndReadAll();
        return r.getRowsJson()[0]?.[0] === true;
      } catch {
        return false;
      }
    });
  }

  /**
   * Renders the normalized and the rewritten AST and binds the rewritten one, in one round trip on the plan
   * instance (which has the catalog tables and macros); null when that fails, so the caller takes the two
   * separate steps (render on the parser instance, then plan) and learns which failed. A second rewrite
   * (the unit count by rows, src/sql/unit-row-bounds.ts) is rendered and bound in the same trip; it is
   * null when it fails, which only costs the shortcut.
   */
  async renderAndPlan(
    normalized: Json,
    rewritten: Json,
    byRows: Json | null = null,
  ): Promise<{ normalizedSql: string; sql: string; plan: PlanResult; byRows: { sql: string; plan: PlanResult } | null } | null> {
    return this.planPool.use(async (c) => {
      try {
        const p = await c.statement(
          byRows === null
            ? 'SELECT n, s, json_serialize_plan(s) FROM (SELECT json_deserialize_sql($1::JSON) AS n, json_deserialize_sql($2::JSON) AS s)'
            : 'SELECT n, s, json_serialize_plan(s), r, json_serialize_plan(r) FROM (SELECT json_deserialize_sql($1::JSON) AS n, json_deserialize_sql($2::JSON) AS s, json_deserialize_sql($3::JSON) AS r)',
        );
        p.bindVarchar(1, JSON.stringify(normalized));
        p.bindVarchar(2, JSON.stringify(rewritten));
        if (byRows !== null) p.bindVarchar(3, JSON.stringify(byRows));
        const row = (await p.runAndReadAll()).getRowsJson()[0] ?? [];
        const [n, s, planText, r, rPlanText] = row;
        if (typeof n !== 'string' || typeof s !== 'string' || typeof planText !== 'string') return null;
        const shortcut = typeof r === 'string' && typeof rPlanText === 'string' ? { sql: r, plan: planResultOf(rPlanText) } : null;
        return { normalizedSql: n, sql: s, plan: planResultOf(planText), byRows: shortcut };
      } catch {
        return null;
      }
    });
  }

  /** The bound, optimized plan of rendered SQL over the empty catalog tables; binder errors give ok:false. */
  async plan(sql: string): Promise<PlanResult> {
    return this.planPool.use(async (c) => {
      try {
        const p = await c.statement('SELECT json_serialize_plan($1::VARCHAR)');
        p.bindVarchar(1, sql);
        const r = await p.runAndReadAll();
        return planResultOf(String(r.getRowsJson()[0]?.[0]));
      } catch {
        return { ok: false };
      }
    });
  }

  close(): void {
    this.parserPool.close();
    this.planPool.close();
    this.parserInstance.closeSync();
    this.planInstance.closeSync();
  }
}
