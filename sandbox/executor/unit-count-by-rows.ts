// Runs a threshold release the cheap way first when the compiler offers it (src/sql/unit-row-bounds.ts):
// the same query with its unit-count helper counting rows. That answer stands only when every group it read
// is decided by its row count — fewer than k rows (fewer than k units: suppressed either way) or more than
// the table's bound (at least k units: kept either way) — so the gate keeps and drops exactly the groups
// the exact count would. Any group in between, or a helper value that is not a count, and the exact query
// (count(DISTINCT unit)) runs instead; the cheap run then only cost its own time, and is not tried again
// for that text: over a read-only domain it would leave the same group undecided.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import type { GateValue, RawResult } from '../gate/types.ts';
import { runCompiledSql, type QueryEngine, type QueryHandle } from './run-query.ts';

/** The helper's value as a count, or undefined (then the group is not decided here). */
function countOf(v: GateValue): number | undefined {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** Whether every row of a by-rows answer is decided by its row count alone. */
export function decidedByRows(raw: RawResult, helperName: string, k: number, decidedAbove: number): boolean {
  const index = raw.columns.findIndex((c) => c.name === helperName);
  if (index < 0) return false;
  return raw.rows.every((row) => {
    const n = countOf(row[index] ?? null);
    return n !== undefined && (n < k || n > decidedAbove);
  });
}

export interface ReleaseRun {
  readonly raw: RawResult;
  /** The SQL whose answer this is: the compiled query's, or its unit count by rows. */
  readonly sql: string;
}

export async function runRelease(engine: QueryEngine, compiled: CompiledQuery, handle: QueryHandle): Promise<ReleaseRun> {
  const byRows = compiled.unitCountByRows;
  const helper = compiled.helpers.find((h) => h.role === 'unit_count');
  if (byRows !== undefined && compiled.threshold !== null && helper !== undefined && !engine.undecidedByRows.has(byRows.sql)) {
    const raw = await runCompiledSql(engine, byRows.sql, compiled.mode, compiled.rowCap, handle);
    if (decidedByRows(raw, helper.name, compiled.threshold.k, byRows.decidedAbove)) return { raw, sql: byRows.sql };
    engine.undecidedByRows.add(byRows.sql);
    if (handle.interrupted()) throw new SandboxError('timeout');
  }
  return { raw: await runCompiledSql(engine, compiled.sql, compiled.mode, compiled.rowCap, handle), sql: compiled.sql };
}
