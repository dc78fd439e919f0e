// The plan of a query the service itself runs through the sandbox to learn a fact about the privacy units
// of one whole table (src/sql/one-row-per-unit.ts, src/sql/unit-row-bounds.ts): one row of L1 counts or
// flags, released to the service only, never to a caller — no group, so nothing to threshold. The SQL is
// written from the validated catalog, never from a caller's text.
import type { Dataset, Table } from '../catalog/schema.ts';
import type { CompiledQuery } from './compiled.ts';
import { fingerprint } from './fingerprint.ts';

export const quoteIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;

export function unitMeasurePlan(dataset: Dataset, table: Table, sql: string, outputNames: readonly string[]): CompiledQuery {
  const unit = table.privacyUnit;
  if (unit === null) throw new Error('unit measure: the table has no privacy unit');
  return {
    version: 1,
    mode: 'aggregate',
    sql,
    normalizedSql: sql,
    fingerprint: fingerprint('aggregate', sql),
    profile: 'threshold',
    outputs: outputNames.map((name) => ({
      name,
      protection: { kind: 'aggregate', fn: 'expression', level: 'L1', rounded: false },
      derivedFrom: [{ dataset: dataset.id, table: table.name, column: unit }],
      transform: 'aggregated(expression)',
      quasiIdentifier: false,
    })),
    helpers: [],
    threshold: null,
    kAnonymity: null,
    rowCap: 1,
    datasets: [dataset.id],
    inputs: [{ dataset: dataset.id, table: table.name, column: unit, level: table.columns.find((c) => c.name === unit)?.level ?? 'L4', usage: ['aggregate'] }],
  };
}
