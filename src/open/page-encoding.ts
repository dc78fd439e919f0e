// Encodes a page for the wire as a stream, a batch of rows at a time, so that a large page is never built
// as one string: CSV (a header line, CRLF line ends, each field by src/csv/csv-field.ts: RFC 4180, null
// apart from the empty string, spreadsheet formulas written as text) or a JSON object whose `rows` are
// objects keyed by column name.
import { csvField, type CsvValue } from '../csv/csv-field.ts';

export type PageValue = CsvValue;

const ROWS_PER_CHUNK = 256;

const csvLine = (values: readonly PageValue[]): string => `${values.map(csvField).join(',')}\r\n`;

/** Streams `head`, then each batch of rows through `encode`, then `tail`, as UTF-8. */
function batchStream(head: string, rows: readonly (readonly PageValue[])[], encode: (row: readonly PageValue[], index: number) => string, tail: string): ReadableStream<Uint8Array> {
  const utf8 = new TextEncoder();
  let next = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(utf8.encode(head));
        return;
      }
      if (next >= rows.length) {
        if (tail) controller.enqueue(utf8.encode(tail));
        controller.close();
        return;
      }
      const end = Math.min(rows.length, next + ROWS_PER_CHUNK);
      let text = '';
      for (let i = next; i < end; i++) text += encode(rows[i]!, i);
      next = end;
      controller.enqueue(utf8.encode(text));
    },
  });
}

export function csvStream(columns: readonly string[], rows: readonly (readonly PageValue[])[]): ReadableStream<Uint8Array> {
  return batchStream(csvLine(columns), rows, (row) => csvLine(row), '');
}

/**
 * `fields`: the object's other members (they come first, so a reader learns the next cursor before the
 * rows); the rows follow as `"rows": [{column: value, ...}, ...]`.
 */
export function jsonStream(fields: Readonly<Record<string, unknown>>, columns: readonly string[], rows: readonly (readonly PageValue[])[]): ReadableStream<Uint8Array> {
  const head = `${JSON.stringify(fields).slice(0, -1)}${Object.keys(fields).length > 0 ? ',' : ''}"rows":[`;
  const keys = columns.map((c) => JSON.stringify(c));
  const encode = (row: readonly PageValue[], i: number): string =>
    `${i > 0 ? ',' : ''}{${keys.map((k, j) => `${k}:${JSON.stringify(row[j] ?? null)}`).join(',')}}`;
  return batchStream(head, rows, encode, ']}');
}
