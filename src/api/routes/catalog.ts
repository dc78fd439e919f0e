// GET /v1/catalog and GET /v1/catalog/{dataset}: the catalog's metadata for any licensed caller —
// datasets, provider, share and open types, status, update frequency, tables, columns and their grading.
// Never data. The views are declared field by field, so a field added to dataset.yaml is not published
// until someone adds it here on purpose.
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import type { Dataset } from '../../catalog/schema.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const localized = type({ zh: 'string', en: 'string', '+': 'delete' });

export const ColumnViewSchema = type({
  name: 'string',
  title: localized,
  type: 'string',
  level: "'L1' | 'L2' | 'L3' | 'L4'",
  kind: "'identifier' | 'quasi_identifier' | 'sensitive' | 'attribute'",
  semantic: 'string',
  'bounds?': ['number', 'number'],
  'mask?': "'id_card' | 'phone' | 'name' | 'address' | 'card_no'",
  pseudonym: 'boolean',
  categorical: 'boolean',
  '+': 'delete',
});

export const TableViewSchema = type({
  name: 'string',
  title: localized,
  privacyUnit: 'string | null',
  columns: ColumnViewSchema.array(),
  '+': 'delete',
});

const accessType = type({ type: "'unconditional' | 'conditional' | 'none'", 'basis?': 'string', '+': 'delete' });

export const DatasetViewSchema = type({
  id: 'string',
  title: localized,
  provider: { id: 'string', name: localized, '+': 'delete' },
  updateFrequency: 'string',
  share: accessType,
  open: accessType,
  status: "'active' | 'suspended' | 'withdrawn'",
  profile: "'threshold' | 'dp'",
  tables: TableViewSchema.array(),
  '+': 'delete',
});

export const CatalogViewSchema = type({
  datasets: DatasetViewSchema.array(),
  /** The live catalog's version (`v<n>:<hash>`, as lineage records name it) and its number; optional for older servers. */
  'catalogVersion?': 'string',
  'version?': 'number',
  '+': 'delete',
});

export const DatasetParamsSchema = type({ dataset: /^[A-Za-z][A-Za-z0-9_]{0,63}$/, '+': 'reject' });

/** `status`: the dataset's status as governance decided it (a suspension overlays dataset.yaml's). */
export function datasetView(d: Dataset, status: Dataset['status'] = d.status): typeof DatasetViewSchema.infer {
  return {
    id: d.id,
    title: { zh: d.title.zh, en: d.title.en },
    provider: { id: d.provider.id, name: { zh: d.provider.name.zh, en: d.provider.name.en } },
    updateFrequency: d.updateFrequency,
    share: { type: d.share.type, ...(d.share.basis ? { basis: d.share.basis } : {}) },
    open: { type: d.open.type, ...(d.open.basis ? { basis: d.open.basis } : {}) },
    status,
    profile: d.profile,
    tables: d.tables.map((t) => ({
      name: t.name,
      title: { zh: t.title.zh, en: t.title.en },
      privacyUnit: t.privacyUnit,
      columns: t.columns.map((col) => ({
        name: col.name,
        title: { zh: col.title.zh, en: col.title.en },
        type: col.type,
        level: col.level,
        kind: col.kind,
        semantic: col.semantic,
        ...(col.bounds ? { bounds: [col.bounds[0], col.bounds[1]] as [number, number] } : {}),
        ...(col.mask ? { mask: col.mask } : {}),
        pseudonym: col.pseudonym === true,
        categorical: col.categorical === true,
      })),
    })),
  };
}

export function registerCatalogRoutes(routes: RouteTable, deps: AppDeps): void {
  const view = (d: Dataset) => datasetView(d, deps.governance?.datasetStatus.status(d.id) ?? d.status);
  routes.add(
    {
      method: 'get',
      path: '/v1/catalog',
      operationId: 'listCatalog',
      summary: 'Every dataset with its tables, columns and grading (metadata only)',
      tags: ['catalog'],
      access: 'authenticated',
      response: { description: 'the catalog', schema: CatalogViewSchema },
    },
    () => {
      // One snapshot for the whole answer, so the version shown is the one the datasets come from.
      const snap = deps.live?.catalog.current();
      const datasets = (snap?.catalog ?? deps.catalog).datasets.map(view);
      return { datasets, ...(snap ? { catalogVersion: snap.id, version: snap.version } : {}) };
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/catalog/{dataset}',
      operationId: 'getCatalogDataset',
      summary: 'One dataset with its tables, columns and grading (metadata only)',
      tags: ['catalog'],
      access: 'authenticated',
      params: DatasetParamsSchema,
      response: { description: 'the dataset', schema: DatasetViewSchema },
    },
    (_c, { params }) => {
      const d = deps.catalog.dataset(params.dataset);
      if (!d) throw new AppError('NOT_FOUND', 'no such dataset');
      return view(d);
    },
  );
}
