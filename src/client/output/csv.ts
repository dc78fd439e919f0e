// RFC 4180 CSV of a result: a header of column names, then one record per row, CRLF line ends, each field
// by src/csv/csv-field.ts (NULL the empty field, the empty string "", spreadsheet formulas written as text).
// UTF-8 throughout, so Chinese text passes through unchanged.
import { csvField } from '../../csv/csv-field.ts';
import type { ResultValue } from '../api-types.ts';

export function toCsv(columns: readonly string[], rows: readonly (readonly ResultValue[])[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
