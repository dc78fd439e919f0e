// How many rows fewer than k privacy units can hold in each personal table, measured from the data at
// every start of the query path. It lets a threshold release decide most groups from count(*) instead of
// count(DISTINCT unit), which on tables of millions of rows costs 20–40× the query itself (DESIGN.md: the
// hidden per-group unit count):
//   - a group of fewer than k rows has fewer than k units: suppressed either way;
//   - a group of more rows than the bound has at least k units: no k−1 units (with every row whose unit
//     is NULL, which count(DISTINCT) ignores) hold that many rows in the whole table, let alone in a group.
// A group in between is undecided, and the exact count runs for it (src/sql/undecided-groups.ts), or for the
// whole release (sandbox/executor/unit-count-by-rows.ts).
// The bound is a fact about the whole table, so it holds for any subset of its rows: WHERE, GROUP BY,
// HAVING and IN (SELECT ...) only select or partition them. Two tables inner-joined on their units are
// bounded too: each joined row belongs to the one unit both sides carry, and k−1 units hold at most
// bound(a) × max rows per unit(b) joined rows (and the same the other way round). Any other join, a
// derived table or a CTE could repeat rows without such a bound and is never given the shortcut. A table
// whose measure fails or cannot run has no bound — fail closed.
import type { Catalog, Dataset, Table } from '../catalog/schema.ts';
import type { Expr, FromNode, SelectNode } from './ast.ts';
import type { CompiledQuery } from './compiled.ts';
import { quoteIdent, unitMeasurePlan } from './unit-measure-plan.ts';

const BOUND_OUTPUT = 'unit_row_bound';
const MAX_OUTPUT = 'unit_row_max';

/**
 * The measure for one table and k, as a plan the sandbox runs: the rows without a unit plus the rows of the
 * k−1 units with the most rows, and the most rows any one unit has. Names come from the validated catalog,
 * never a caller; k from the policy.
 */
export function unitRowBoundMeasure(dataset: Dataset, table: Table, k: number): CompiledQuery {
  if (table.privacyUnit === null) throw new Error('unit row bound: the table has no privacy unit');
  if (!Number.isSafeInteger(k) || k < 2) throw new Error('unit row bound: k must be an integer of at least 2');
  const unit = quoteIdent(table.privacyUnit);
  const from = `${quoteIdent(dataset.id)}.${quoteIdent(table.name)}`;
  const top = `SELECT count(*) AS c FROM ${from} WHERE ${unit} IS NOT NULL GROUP BY ${unit} ORDER BY c DESC LIMIT ${k - 1}`;
  const sql = `SELECT CAST(n.no_unit + coalesce(x.s, 0) AS BIGINT) AS ${BOUND_OUTPUT}, CAST(coalesce(x.m, 0) AS BIGINT) AS ${MAX_OUTPUT} `
    + `FROM (SELECT count(*) - count(${unit}) AS no_unit FROM ${from}) AS n, (SELECT sum(c) AS s, max(c) AS m FROM (${top})) AS x`;
  return unitMeasurePlan(dataset, table, sql, [BOUND_OUTPUT, MAX_OUTPUT]);
}

/** Runs a measure plan and returns its one released row (the sandbox, or DuckDB directly in tests). */
export type MeasureRunner = (measure: CompiledQuery) => Promise<readonly unknown[] | undefined>;

/** A released count as a safe non-negative integer, or undefined for anything else. */
function countOf(v: unknown): number | undefined {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export interface BoundsReport {
  readonly measured: readonly string[];
  /** Personal tables whose measure failed or answered something other than two counts. */
  readonly failed: readonly string[];
}

/** What was measured of one table. */
export interface UnitRows {
  /** At most this many rows belong to any k−1 units together, with every row that has no unit. */
  readonly bound: number;
  /** The most rows any one unit has. */
  readonly max: number;
}

export class UnitRowBounds {
  #k = 0;
  #tables = new Map<string, UnitRows>();

  /** What was measured of `dataset.table` for k at the last start, if anything. */
  of(tableKey: string, k: number): UnitRows | undefined {
    return k === this.#k ? this.#tables.get(tableKey) : undefined;
  }

  /** Measures every personal table for k; replaces what was measured before. */
  async measure(catalog: Catalog, k: number, run: MeasureRunner): Promise<BoundsReport> {
    const tables = new Map<string, UnitRows>();
    const measured: string[] = [];
    const failed: string[] = [];
    for (const d of catalog.datasets) {
      for (const t of d.tables) {
        if (t.privacyUnit === null) continue;
        const key = `${d.id}.${t.name}`;
        let row: readonly unknown[] | undefined;
        try {
          row = await run(unitRowBoundMeasure(d, t, k));
        } catch {
          row = undefined;
        }
        const bound = countOf(row?.[0]);
        const max = countOf(row?.[1]);
        if (bound === undefined || max === undefined) failed.push(key);
        else {
          tables.set(key, { bound, max });
          measured.push(key);
        }
      }
    }
    this.#k = k;
    this.#tables = tables;
    return { measured, failed };
  }
}

const same = (e: Expr, names: readonly string[]): boolean =>
  e.kind === 'column' && e.names.length === names.length && e.names.every((n, i) => n.toLowerCase() === names[i]!.toLowerCase());

const conjuncts = (e: Expr): Expr[] => (e.kind === 'conjunction' && e.op === 'AND' ? e.args.flatMap(conjuncts) : [e]);

/** Whether an inner join's condition requires the two units to be equal (a top-level AND term or USING). */
function joinsOnUnits(j: Extract<FromNode, { kind: 'join' }>, units: readonly Expr[]): boolean {
  const [a, b] = units;
  if (a?.kind !== 'column' || b?.kind !== 'column') return false;
  const unitA = a.names[a.names.length - 1]!.toLowerCase();
  const unitB = b.names[b.names.length - 1]!.toLowerCase();
  if (unitA === unitB && j.using.some((u) => u.toLowerCase() === unitA)) return true;
  if (j.on === null) return false;
  return conjuncts(j.on).some((c) => c.kind === 'comparison' && c.op === 'COMPARE_EQUAL'
    && ((same(c.left, a.names) && same(c.right, b.names)) || (same(c.left, b.names) && same(c.right, a.names))));
}

/**
 * The bound that decides a threshold release's groups, when it may use one: its FROM is one measured
 * catalog table, or two inner-joined on their units (`units`: the analysis's root units, one per table).
 */
export function rowBoundOf(root: SelectNode, units: readonly Expr[], catalog: Catalog, bounds: UnitRowBounds, k: number): number | undefined {
  const measuredOf = (t: FromNode): UnitRows | undefined => {
    if (t.kind !== 'table' || t.schema === '') return undefined;
    const entry = catalog.table(t.schema, t.table);
    if (!entry || entry.table.privacyUnit === null) return undefined;
    return bounds.of(`${entry.dataset.id}.${entry.table.name}`, k);
  };
  const f = root.from;
  if (f === null) return undefined;
  if (f.kind === 'table') return units.length === 1 ? measuredOf(f)?.bound : undefined;
  if (f.kind !== 'join' || f.type !== 'INNER' || units.length !== 2 || !joinsOnUnits(f, units)) return undefined;
  const a = measuredOf(f.left);
  const b = measuredOf(f.right);
  if (a === undefined || b === undefined) return undefined;
  const bound = Math.min(a.bound * b.max, b.bound * a.max);
  return Number.isSafeInteger(bound) ? bound : undefined;
}
