// Runs a threshold release the cheap way first when the compiler offers it (src/sql/unit-row-bounds.ts):
// the same query with its unit-count helper counting rows. A group is decided by its row count when it has
// fewer than k rows (fewer than k units: suppressed either way) or more than the table's bound (at least k
// units: kept either way); the gate then keeps and drops exactly the groups the exact count would.
//   - Every group decided: that answer stands.
//   - Some groups undecided, and the compiler gave the exact release filtered by group
//     (src/sql/undecided-groups.ts): it runs for just those groups, binding the hashes of their key outputs
//     that the count(*) answer carried, and each undecided row takes the exact release's row for its hash.
//     Every hash asked for must come back as exactly one group, or nothing of this is used.
//   - Otherwise the exact query (count(DISTINCT unit)) runs for everything, and a text that left a group
//     undecided without a refinement is not tried again: over a read-only domain it would do so again.
// The hidden group hash never reaches the gate: rows leave here with the compiled query's own columns.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { GROUP_HELPER } from '../../src/policy/rewrite.ts';
import { hashParameters } from '../../src/sql/undecided-groups.ts';
import { SandboxError } from '../failure.ts';
import type { GateValue, RawResult } from '../gate/types.ts';
import { runCompiledSql, type QueryEngine, type QueryHandle } from './run-query.ts';

/** At most this many undecided groups are asked for by hash; more, and the exact query runs instead. */
export const MAX_UNDECIDED_GROUPS = 1000;

/** The helper's value as a count, or undefined (then the group is not decided here). */
function countOf(v: GateValue): number | undefined {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** Whether one row of a by-rows answer is decided by its row count alone. */
function isDecided(row: readonly GateValue[], index: number, k: number, decidedAbove: number): boolean {
  const n = countOf(row[index] ?? null);
  return n !== undefined && (n < k || n > decidedAbove);
}

/**
 * The rows of a by-rows answer that its row counts leave undecided, by index; undefined when the answer has
 * no helper column (then nothing is decided here).
 */
export function undecidedRows(raw: RawResult, helperName: string, k: number, decidedAbove: number): number[] | undefined {
  const index = raw.columns.findIndex((c) => c.name === helperName);
  if (index < 0) return undefined;
  return raw.rows.flatMap((row, i) => (isDecided(row, index, k, decidedAbove) ? [] : [i]));
}

export interface ReleaseRun {
  readonly raw: RawResult;
  /** The SQL whose answer this is: the compiled query's, or what stood in for it (statements joined by ";\n"). */
  readonly sql: string;
}

/** A raw answer without its last column (the group hash), which must be GROUP_HELPER. */
function withoutGroupHash(raw: RawResult): RawResult | undefined {
  const last = raw.columns.length - 1;
  if (last < 0 || raw.columns[last]?.name !== GROUP_HELPER) return undefined;
  return { ...raw, columns: raw.columns.slice(0, last), rows: raw.rows.map((r) => r.slice(0, last)) };
}

/**
 * The exact rows of the undecided groups, put in their places in the by-rows answer; undefined when the
 * refinement does not answer every undecided hash with exactly one group of the same shape.
 */
async function refine(
  engine: QueryEngine, compiled: CompiledQuery, handle: QueryHandle, fast: RawResult, undecided: readonly number[], sqlBeforeHashes: string,
): Promise<{ raw: RawResult; sql: string } | undefined> {
  const hashIndex = fast.columns.length - 1;
  if (fast.columns[hashIndex]?.name !== GROUP_HELPER) return undefined;
  const hashes = undecided.map((i) => fast.rows[i]![hashIndex]);
  if (!hashes.every((h): h is bigint => typeof h === 'bigint') || new Set(hashes).size !== hashes.length) return undefined;
  const sql = `${sqlBeforeHashes}${hashParameters(hashes.length)}`;
  const exact = await runCompiledSql(engine, sql, compiled.mode, compiled.rowCap, handle, (p) => {
    hashes.forEach((h, i) => p.bindUBigInt(i + 1, h));
  });
  const sameShape = exact.columns.length === fast.columns.length && exact.columns.every((c, i) => c.name === fast.columns[i]!.name);
  if (!sameShape || exact.moreRowsThanRead || exact.rows.length !== hashes.length) return undefined;
  const byHash = new Map<bigint, GateValue[]>();
  for (const row of exact.rows) {
    const h = row[hashIndex];
    if (typeof h !== 'bigint' || byHash.has(h)) return undefined;
    byHash.set(h, row);
  }
  const rows = fast.rows.slice();
  for (const [j, i] of undecided.entries()) {
    const row = byHash.get(hashes[j]!);
    if (row === undefined) return undefined;
    rows[i] = row;
  }
  const merged = withoutGroupHash({ ...fast, rows });
  return merged && { raw: merged, sql };
}

export async function runRelease(engine: QueryEngine, compiled: CompiledQuery, handle: QueryHandle): Promise<ReleaseRun> {
  const byRows = compiled.unitCountByRows;
  const helper = compiled.helpers.find((h) => h.role === 'unit_count');
  if (byRows !== undefined && compiled.threshold !== null && helper !== undefined && !engine.undecidedByRows.has(byRows.sql)) {
    const { k } = compiled.threshold;
    const fast = await runCompiledSql(engine, byRows.sql, compiled.mode, compiled.rowCap, handle);
    const undecided = undecidedRows(fast, helper.name, k, byRows.decidedAbove);
    // Without a helper column (undefined) nothing is decided here.
    if (undecided !== undefined && byRows.undecided === undefined) {
      if (undecided.length === 0) return { raw: fast, sql: byRows.sql };
      engine.undecidedByRows.add(byRows.sql);
    } else if (undecided !== undefined && undecided.length === 0) {
      const raw = withoutGroupHash(fast);
      if (raw) return { raw, sql: byRows.sql };
    } else if (undecided !== undefined && byRows.undecided !== undefined && undecided.length <= MAX_UNDECIDED_GROUPS) {
      if (handle.interrupted()) throw new SandboxError('timeout');
      const refined = await refine(engine, compiled, handle, fast, undecided, byRows.undecided.sqlBeforeHashes);
      if (refined) return { raw: refined.raw, sql: `${byRows.sql};\n${refined.sql}` };
    }
    if (handle.interrupted()) throw new SandboxError('timeout');
  }
  return { raw: await runCompiledSql(engine, compiled.sql, compiled.mode, compiled.rowCap, handle), sql: compiled.sql };
}
