// A result as a text table for a terminal: columns padded by display width (Chinese characters are two
// cells wide), numbers right-aligned, NULL spelled out, control characters escaped.
import type { ResultValue } from '../api-types.ts';
import { displayWidth, printable } from './display-width.ts';

const cell = (v: ResultValue): string => (v === null ? 'NULL' : printable(String(v)));

const pad = (s: string, width: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
};

export function toTable(columns: readonly string[], rows: readonly (readonly ResultValue[])[]): string {
  const header = columns.map((c) => printable(c));
  const body = rows.map((r) => columns.map((_, i) => cell(r[i] ?? null)));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i] ?? ''))));
  // A column is right-aligned when all its non-null values are numbers: it reads as a column of figures.
  const numeric = columns.map((_, i) => rows.some((r) => typeof r[i] === 'number') && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0, numeric[i] ?? false)).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n') + '\n';
}
