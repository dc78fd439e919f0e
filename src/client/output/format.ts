// The three output formats of the CLI, and the default: a table for a person at a terminal, CSV for a pipe.
import type { ResultValue } from '../api-types.ts';
import { toCsv } from './csv.ts';
import { toJsonRecords } from './result-json.ts';
import { toTable } from './table.ts';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export const isOutputFormat = (s: string): s is OutputFormat => (FORMATS as readonly string[]).includes(s);

export const defaultFormat = (stdoutIsTty: boolean): OutputFormat => (stdoutIsTty ? 'table' : 'csv');

export function renderRows(format: OutputFormat, columns: readonly string[], rows: readonly (readonly ResultValue[])[]): string {
  if (format === 'csv') return toCsv(columns, rows);
  if (format === 'json') return toJsonRecords(columns, rows);
  return toTable(columns, rows);
}
