// Which encoding an open-data page is answered in: `format=csv|json` when given, else the caller's Accept
// header (RFC 9110 media ranges with q-values), else JSON. An Accept that admits neither is refused rather
// than answered in a format the caller said it cannot read.
import { AppError } from '../errors.ts';

export type PageFormat = 'csv' | 'json';

export const CONTENT_TYPES: Readonly<Record<PageFormat, string>> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
};

const RANGES: Readonly<Record<string, PageFormat>> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'text/*': 'csv',
  'application/*': 'json',
  '*/*': 'json',
};

export function chooseFormat(format: PageFormat | undefined, accept: string | undefined): PageFormat {
  if (format) return format;
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept.split(',').map((part, order) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return { range, weight: Number.isFinite(weight) ? weight : 0, order };
  });
  const best = ranges
    .filter((r) => r.weight > 0 && RANGES[r.range] !== undefined)
    // Specific types before wildcards at equal weight, then the caller's order.
    .sort((a, b) => b.weight - a.weight || Number(a.range.includes('*')) - Number(b.range.includes('*')) || a.order - b.order)[0];
  if (!best) throw new AppError('BAD_REQUEST', 'open data is served as text/csv or application/json; the Accept header admits neither');
  return RANGES[best.range]!;
}
