// What a dataset generator (datasets/<id>/generate.ts) receives and provides. Generators run in one
// DuckDB connection, in dependency order, and share a few TEMP staging tables (documented below) so that
// dependent tables reference real residents, households and employers without re-deriving them.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Dataset } from '../catalog/schema.ts';

/**
 * The day the synthetic register is "as of": ages, seasons, claim periods and billing months are fixed
 * relative to it (never to the wall clock) so that the same seed gives the same data on any day.
 */
export const DATA_AS_OF = '2025-06-30';

export interface GenerationContext {
  readonly connection: DuckDBConnection;
  readonly seed: number;
  /** Number of residents. */
  readonly scale: number;
  readonly dataset: Dataset;
  /** SQL for a uniform DOUBLE in [0, 1): stream names a variable, key is a BIGINT SQL expression for the row. */
  uniform(stream: string, key: string): string;
  /** SQL for a standard normal draw. */
  normal(stream: string, key: string): string;
  /** Inserts the rows of `select` (which must name exactly the catalog's columns) into `<dataset>.<table>`. */
  insert(table: string, select: string): Promise<void>;
  log(message: string): void;
}

/**
 * A generator for one dataset. `after` names the datasets whose staging tables it reads. Staging tables:
 * - population creates TEMP `household` (h, district_code, district, urban, size, head_pk) and
 *   TEMP `person` (pk, h, m, id_card, gender, birth_date, age, district_code, district, urban, ethnicity);
 *   pk = h * 16 + m is the person's stable random key.
 * - market creates TEMP `employer` (k, credit_code): employers of insured workers, k = 0.. in size order.
 */
export interface DatasetGenerator {
  readonly dataset: string;
  readonly after: readonly string[];
  generate(context: GenerationContext): Promise<void>;
}
