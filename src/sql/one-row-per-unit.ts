// Tables verified to hold exactly one row per privacy unit. A release over such a table alone counts its
// privacy units with count(*) instead of count(DISTINCT unit), which dominates the cost of a small query
// (DESIGN.md: the hidden per-group unit count). The catalog's `oneRowPerUnit` is only a claim: it is used
// after the data has been checked (as many rows as distinct units, no NULL unit), at every start of the
// query path; a table whose check fails or cannot run keeps count(DISTINCT) — fail closed.
import type { Catalog, Dataset, Table } from '../catalog/schema.ts';
import type { SelectNode } from './ast.ts';
import type { CompiledQuery } from './compiled.ts';
import { quoteIdent, unitMeasurePlan } from './unit-measure-plan.ts';

const CHECK_OUTPUT = 'one_row_per_unit';

/**
 * The check for one table, as a plan the sandbox runs: true exactly when the table has as many rows as
 * distinct privacy units and no row without one. Names come from the validated catalog, never a caller.
 */
export function oneRowPerUnitCheck(dataset: Dataset, table: Table): CompiledQuery {
  if (table.privacyUnit === null) throw new Error('one-row-per-unit check: the table has no privacy unit');
  const unit = quoteIdent(table.privacyUnit);
  const sql = `SELECT (count(*) = count(DISTINCT ${unit}) AND count(${unit}) = count(*)) AS ${CHECK_OUTPUT} FROM ${quoteIdent(dataset.id)}.${quoteIdent(table.name)}`;
  return unitMeasurePlan(dataset, table, sql, [CHECK_OUTPUT]);
}

/** Runs a check plan and returns its single released value (the sandbox, or DuckDB directly in tests). */
export type CheckRunner = (check: CompiledQuery) => Promise<unknown>;

export interface VerifyReport {
  readonly verified: readonly string[];
  /** Tables that claim one row per unit but failed the check or could not be checked. */
  readonly refuted: readonly string[];
}

export class OneRowPerUnit {
  #verified = new Set<string>();

  /** Whether `dataset.table` was verified at the last start (`population.residents`). */
  has(tableKey: string): boolean {
    return this.#verified.has(tableKey);
  }

  /**
   * Checks every table the catalog claims holds one row per unit; replaces what was verified before. A check
   * that answers anything but `true`, or fails, leaves its table out.
   */
  async verify(catalog: Catalog, run: CheckRunner): Promise<VerifyReport> {
    const verified: string[] = [];
    const refuted: string[] = [];
    for (const d of catalog.datasets) {
      for (const t of d.tables) {
        if (t.oneRowPerUnit !== true || t.privacyUnit === null) continue;
        const key = `${d.id}.${t.name}`;
        let ok = false;
        try {
          ok = (await run(oneRowPerUnitCheck(d, t))) === true;
        } catch {
          ok = false;
        }
        (ok ? verified : refuted).push(key);
      }
    }
    this.#verified = new Set(verified);
    return { verified, refuted };
  }
}

/**
 * Whether a release may count its privacy units as rows: its FROM is one catalog table (no join, derived
 * table or CTE, which could repeat a unit), claimed and verified to hold one row per unit. WHERE, GROUP BY,
 * HAVING and IN (SELECT ...) filters only select or partition the table's rows, each still one person.
 */
export function countsRowsAsUnits(root: SelectNode, catalog: Catalog, facts: OneRowPerUnit): boolean {
  const f = root.from;
  if (f === null || f.kind !== 'table' || f.schema === '') return false;
  const entry = catalog.table(f.schema, f.table);
  if (!entry || entry.table.oneRowPerUnit !== true || entry.table.privacyUnit === null) return false;
  return facts.has(`${entry.dataset.id}.${entry.table.name}`);
}
