// Which tables GET /v1/open/{dataset}/{table} may read and how (Measures arts. 17-19): an unconditionally open
// table row by row in a stable keyset order, a conditionally open one desensitized only. Everything else,
// including a name the catalog does not know, looks the same to the caller: NOT_FOUND, so that the route
// reveals nothing the public catalog does not.
import type { Catalog, Column, Dataset, Table } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import { releasePlan, type ColumnRelease } from './column-release.ts';
import { keysetOrderOf, type KeysetOrder } from './keyset-order.ts';

export type OpenTable =
  | {
      readonly open: 'unconditional';
      readonly dataset: Dataset;
      readonly table: Table;
      readonly columns: readonly ColumnRelease[];
      readonly order: KeysetOrder;
    }
  | {
      readonly open: 'conditional';
      readonly dataset: Dataset;
      readonly table: Table;
      readonly columns: readonly ColumnRelease[];
      /** The timestamp column whose hour of day splits the table into pages, or null for a single page. */
      readonly window: Column | null;
    };

const notOpen = (): AppError => new AppError('NOT_FOUND', 'no open table of that name');

/**
 * The open table at dataset/table, or NOT_FOUND. `status` is the dataset's status as governance decided it;
 * a dataset that is not active answers DATASET_SUSPENDED (only for datasets that are open at all).
 */
export function resolveOpenTable(catalog: Catalog, datasetId: string, tableName: string, status: (id: string) => Dataset['status'] | undefined): OpenTable {
  const found = catalog.table(datasetId, tableName);
  // Catalog lookups are case-insensitive, but a URL names one resource: the catalog's own spelling only.
  if (!found || found.dataset.id !== datasetId || found.table.name !== tableName) throw notOpen();
  const { dataset, table } = found;
  const openType = dataset.open.type;
  if (openType === 'none') throw notOpen();
  if ((status(dataset.id) ?? dataset.status) !== 'active') {
    throw new AppError('DATASET_SUSPENDED', 'this dataset is suspended or withdrawn', { datasets: [dataset.id] });
  }
  const columns = releasePlan(table, openType);
  if (columns.every((c) => c.method === 'omitted')) throw notOpen();
  if (openType === 'unconditional') {
    const order = keysetOrderOf(dataset.id, table);
    // Without a stable unique order the table cannot be paged exactly: fail closed.
    if (!order || !columns.some((c) => c.column.name === order.column && c.method === 'raw')) throw notOpen();
    return { open: 'unconditional', dataset, table, columns, order };
  }
  const window = table.columns.find((c) => c.type === 'TIMESTAMP' && c.level === 'L3') ?? null;
  return { open: 'conditional', dataset, table, columns, window };
}
