// The edits a catalog change proposal (Measures art. 8) may make to one dataset entry, and the pure function
// that applies them to the catalog's datasets and validates the result with the same schema and cross-checks
// as dataset.yaml. Only metadata changes: an edit that would need data the domain lacks (a new column or table)
// is refused, and so is an edit naming a table or column the dataset does not have.
import { type } from 'arktype';
import { ConfigFileError, checkDataset } from '../catalog/load.ts';
import { DatasetSchema, type Column, type Dataset, type Table } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';

const name = /^[a-z][a-z0-9_]*$/;
const localized = type({ zh: '0 < string <= 200', en: '0 < string <= 200', '+': 'reject' });
const column = { table: name, column: name } as const;
const accessType = "'unconditional' | 'conditional' | 'none'";

export const CatalogEditSchema = type({ op: "'set_level'", ...column, level: "'L1' | 'L2' | 'L3' | 'L4'", '+': 'reject' })
  .or({ op: "'set_mask'", ...column, mask: "'id_card' | 'phone' | 'name' | 'address' | 'card_no' | null", '+': 'reject' })
  .or({ op: "'set_pseudonym'", ...column, pseudonym: 'boolean', '+': 'reject' })
  .or({ op: "'set_bounds'", ...column, bounds: type(['number', 'number']).or('null'), '+': 'reject' })
  .or({ op: "'set_title'", 'table?': name, 'column?': name, title: localized, '+': 'reject' })
  .or({ op: "'set_share'", type: accessType, 'basis?': '0 < string <= 1000', '+': 'reject' })
  .or({ op: "'set_open'", type: accessType, 'basis?': '0 < string <= 1000', '+': 'reject' })
  .or({ op: "'set_update_frequency'", updateFrequency: "'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly'", '+': 'reject' })
  .or({ op: "'withdraw_column'", ...column, '+': 'reject' })
  // Named so that the refusal can say why (the domain holds no data for them) rather than "unknown op".
  .or({ op: "'add_column' | 'add_table'", '+': 'ignore' });

export type CatalogEdit = typeof CatalogEditSchema.infer;

/** One problem of the dataset an edit list would produce: the field path inside the dataset entry. */
export interface CatalogEditProblem {
  readonly path: string;
}

const refuse = (rule: string, message: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError('BAD_REQUEST', message, { ...extra, violations: [{ rule, message }] });

function editColumns(ds: Dataset, tableName: string, f: (columns: Column[], index: number) => Column[], columnName: string, lenient: boolean): Dataset {
  const ti = ds.tables.findIndex((t) => t.name === tableName);
  if (ti < 0) throw refuse('CATALOG_CHANGE_UNKNOWN_TARGET', 'an edit names a table the dataset does not have; new tables need data the domain lacks');
  const table = ds.tables[ti]!;
  const ci = table.columns.findIndex((c) => c.name === columnName);
  if (ci < 0) {
    if (lenient) return ds;
    throw refuse('CATALOG_CHANGE_UNKNOWN_TARGET', 'an edit names a column the table does not have; new columns need data the domain lacks');
  }
  const tables: Table[] = ds.tables.map((t, i) => (i === ti ? { ...t, columns: f([...t.columns], ci) } : t));
  return { ...ds, tables };
}

const withColumn = (ds: Dataset, e: { table: string; column: string }, change: (c: Column) => Column): Dataset =>
  editColumns(ds, e.table, (cols, i) => cols.map((c, j) => (j === i ? change(c) : c)), e.column, false);

/** `{...o}` without key k, so that an optional field cleared by an edit is absent rather than undefined. */
const without = <T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> => {
  const { [k]: _dropped, ...rest } = o;
  return rest;
};

/**
 * Applies one edit. `lenient` is for re-applying recorded changes over reloaded files: withdrawing a column
 * the files no longer have is then already done, not an error.
 */
function applyEdit(ds: Dataset, e: CatalogEdit, lenient: boolean): Dataset {
  switch (e.op) {
    case 'set_level':
      return withColumn(ds, e, (c) => ({ ...c, level: e.level }));
    case 'set_mask':
      return withColumn(ds, e, (c) => (e.mask === null ? without(c, 'mask') : { ...c, mask: e.mask }));
    case 'set_pseudonym':
      return withColumn(ds, e, (c) => (e.pseudonym ? { ...c, pseudonym: true } : without(c, 'pseudonym')));
    case 'set_bounds':
      return withColumn(ds, e, (c) => (e.bounds === null ? without(c, 'bounds') : { ...c, bounds: [e.bounds[0], e.bounds[1]] }));
    case 'set_title': {
      if (e.column !== undefined && e.table === undefined) throw refuse('CATALOG_CHANGE_UNKNOWN_TARGET', 'a column title edit names its table');
      const title = { zh: e.title.zh, en: e.title.en };
      if (e.table === undefined) return { ...ds, title };
      if (e.column !== undefined) return withColumn(ds, { table: e.table, column: e.column }, (c) => ({ ...c, title }));
      const ti = ds.tables.findIndex((t) => t.name === e.table);
      if (ti < 0) throw refuse('CATALOG_CHANGE_UNKNOWN_TARGET', 'an edit names a table the dataset does not have; new tables need data the domain lacks');
      return { ...ds, tables: ds.tables.map((t, i) => (i === ti ? { ...t, title } : t)) };
    }
    case 'set_share':
    case 'set_open': {
      const value = { type: e.type, ...(e.basis !== undefined ? { basis: e.basis } : {}) };
      return e.op === 'set_share' ? { ...ds, share: value } : { ...ds, open: value };
    }
    case 'set_update_frequency':
      return { ...ds, updateFrequency: e.updateFrequency };
    case 'withdraw_column':
      return editColumns(ds, e.table, (cols, i) => cols.filter((_, j) => j !== i), e.column, lenient);
    case 'add_column':
    case 'add_table':
      throw refuse('CATALOG_CHANGE_NEEDS_DATA', 'new columns and tables need data the domain does not hold; they come with a new data delivery, not a catalog change');
  }
}

/** Schema and cross-check problems of one dataset entry, as field paths (no values, no file paths). */
export function datasetProblems(ds: Dataset): CatalogEditProblem[] {
  const out = DatasetSchema(ds);
  if (out instanceof type.errors) return out.map((e) => ({ path: e.path.join('.') || '(root)' }));
  try {
    checkDataset(`datasets/${ds.id}/dataset.yaml`, ds);
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    return e.problems.split('; ').map((p) => ({ path: p.slice(0, Math.max(0, p.indexOf(':'))) || '(root)' }));
  }
  return [];
}

/**
 * The catalog's datasets with `edits` applied to dataset `datasetId`. Throws BAD_REQUEST (with the field
 * paths) when the dataset is unknown, an edit is refused, or the resulting entry fails validation.
 */
export function applyCatalogEdits(datasets: readonly Dataset[], datasetId: string, edits: readonly CatalogEdit[], opts: { lenient?: boolean } = {}): Dataset[] {
  const index = datasets.findIndex((d) => d.id === datasetId);
  if (index < 0) throw refuse('CATALOG_CHANGE_UNKNOWN_TARGET', 'the change names a dataset that is not in the catalog');
  let ds = datasets[index]!;
  for (const e of edits) ds = applyEdit(ds, e, opts.lenient === true);
  const problems = datasetProblems(ds);
  if (problems.length) {
    throw refuse('CATALOG_CHANGE_INVALID', 'the change would make the dataset entry invalid', { problems: problems.map((p) => ({ path: p.path })) });
  }
  return datasets.map((d, i) => (i === index ? ds : d));
}
