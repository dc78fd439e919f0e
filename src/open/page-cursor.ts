// The opaque cursor of GET /v1/open/{dataset}/{table}: base64url of a small JSON object naming the table and
// where the next page starts, either after a key (keyset order) or at an hour-of-day window. Cursors come
// back from callers, so decoding is a trust boundary: anything malformed, for another table, or with a key
// of the wrong shape is BAD_REQUEST, and a key is never used before it matched its declared shape.
import { type } from 'arktype';
import { AppError } from '../errors.ts';

export type PagePosition = { readonly after: string } | { readonly hour: number };

const MAX_CURSOR_CHARS = 512;

const CursorSchema = type({
  v: '1',
  t: /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/,
  'after?': '0 < string <= 64',
  'hour?': '0 <= number.integer <= 23',
  '+': 'reject',
});

const bad = (): AppError => new AppError('BAD_REQUEST', 'the cursor is not one this endpoint issued for this table');

export function encodeCursor(table: string, position: PagePosition): string {
  return Buffer.from(JSON.stringify({ v: 1, t: table, ...position }), 'utf8').toString('base64url');
}

/** `keyShape`: what an `after` key must look like for this table (undefined: the table is not keyset-paged). */
export function decodeCursor(cursor: string, table: string, keyShape: RegExp | undefined): PagePosition {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const c = CursorSchema(data);
  if (c instanceof type.errors || c.t !== table) throw bad();
  if (c.after !== undefined && c.hour === undefined && keyShape?.test(c.after)) return { after: c.after };
  if (c.hour !== undefined && c.after === undefined && keyShape === undefined) return { hour: c.hour };
  throw bad();
}
