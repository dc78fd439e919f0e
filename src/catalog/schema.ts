// The catalog's types and the arktype schema every datasets/*/dataset.yaml is validated against.
import { type } from 'arktype';

export const LEVELS = ['L1', 'L2', 'L3', 'L4'] as const;
export type Level = (typeof LEVELS)[number];
/** Numeric rank of a level, for "highest level wins" arithmetic. */
export const levelRank = (l: Level): number => LEVELS.indexOf(l) + 1;
export const maxLevel = (levels: Iterable<Level>): Level => {
  let best: Level = 'L1';
  for (const l of levels) if (levelRank(l) > levelRank(best)) best = l;
  return best;
};

export const MASK_METHODS = ['id_card', 'phone', 'name', 'address', 'card_no'] as const;
export type MaskMethod = (typeof MASK_METHODS)[number];

const localized = type({ zh: 'string > 0', en: 'string > 0' });

export const ColumnSchema = type({
  name: /^[a-z][a-z0-9_]*$/,
  type: "'VARCHAR' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | /^DECIMAL\\(\\d+,\\d+\\)$/",
  level: "'L1' | 'L2' | 'L3' | 'L4'",
  kind: "'identifier' | 'quasi_identifier' | 'sensitive' | 'attribute'",
  semantic: /^[a-z][a-z0-9_]*$/,
  'bounds?': ['number', 'number'],
  'mask?': "'id_card' | 'phone' | 'name' | 'address' | 'card_no'",
  'pseudonym?': 'boolean',
  'categorical?': 'boolean',
  title: localized,
  '+': 'reject',
});

export const TableSchema = type({
  name: /^[a-z][a-z0-9_]*$/,
  title: localized,
  privacyUnit: 'string | null',
  /**
   * A claim that the table holds exactly one row per privacy unit (a register of persons), so that a count
   * of its rows is a count of people. Used only once verified against the data (src/sql/one-row-per-unit.ts).
   */
  'oneRowPerUnit?': 'boolean',
  columns: ColumnSchema.array().atLeastLength(1),
  '+': 'reject',
});

const shareOrOpen = type({ type: "'unconditional' | 'conditional' | 'none'", 'basis?': 'string > 0', '+': 'reject' });

export const DatasetSchema = type({
  id: /^[a-z][a-z0-9_]*$/,
  title: localized,
  provider: { id: 'string > 0', name: localized },
  updateFrequency: "'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly'",
  share: shareOrOpen,
  open: shareOrOpen,
  status: "'active' | 'suspended' | 'withdrawn'",
  profile: "'threshold' | 'dp'",
  tables: TableSchema.array().atLeastLength(1),
  '+': 'reject',
});

export type Column = typeof ColumnSchema.infer;
export type Table = typeof TableSchema.infer;
export type Dataset = typeof DatasetSchema.infer;
export type ShareType = Dataset['share']['type'];

/** The whole catalog, with lookups by qualified name. Column and table names compare case-insensitively. */
export interface Catalog {
  readonly datasets: readonly Dataset[];
  dataset(id: string): Dataset | undefined;
  /** `schema.table`, case-insensitive. */
  table(schema: string, table: string): { dataset: Dataset; table: Table } | undefined;
}
