// RFC 4180 CSV of a result: a header of column names, then one record per row, CRLF line ends. A field is
// quoted when it holds a comma, a quote, CR or LF (quotes doubled inside); NULL is the empty field.
// UTF-8 throughout, so Chinese text passes through unchanged.
import type { ResultValue } from '../api-types.ts';

const NEEDS_QUOTES = /[",\r\n]/;

export const csvField = (v: ResultValue | string): string => {
  if (v === null) return '';
  const s = String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(columns: readonly string[], rows: readonly (readonly ResultValue[])[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
