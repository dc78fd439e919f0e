// The wire encodings of an open-data page: CSV (fields: src/csv/csv-field.test.ts) and JSON that parses back
// to the same rows.
import { describe, expect, it } from 'vitest';
import { csvStream, jsonStream, type PageValue } from './page-encoding.ts';

const text = async (s: ReadableStream<Uint8Array>): Promise<string> => new Response(s).text();

describe('CSV encoding', () => {
  it('writes a header line and one CRLF-terminated line per row, across chunk boundaries', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`k${i}`, i]);
    const lines = (await text(csvStream(['key', 'n'], rows))).split('\r\n');
    expect(lines[0]).toBe('key,n');
    expect(lines.slice(1, -1)).toEqual(rows.map(([k, n]) => `${k},${n}`));
    expect(lines.at(-1)).toBe('');
  });
});

describe('JSON encoding', () => {
  it('parses back to the fields and the rows as objects', async () => {
    const rows: PageValue[][] = Array.from({ length: 300 }, (_, i) => [`k${i}`, i % 2 ? null : 'x"y', true]);
    const body = JSON.parse(await text(jsonStream({ next: 'abc', lineageId: 'L' }, ['key', 'v', 'b'], rows)));
    expect(body.next).toBe('abc');
    expect(body.lineageId).toBe('L');
    expect(body.rows).toEqual(rows.map(([key, v, b]) => ({ key, v, b })));
  });

  it('writes an empty page as an empty rows array', async () => {
    expect(JSON.parse(await text(jsonStream({ next: null }, ['a'], [])))).toEqual({ next: null, rows: [] });
  });
});
