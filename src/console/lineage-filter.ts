// Turns the lineage page's filter form (a GET query string) into the reviewer API's validated filter: empty
// fields mean "any", the browser's datetime-local values are read as UTC, and the result must pass the same
// arktype schema as GET /v1/lineage so that the console accepts nothing the API would refuse.
import { type } from 'arktype';
import { LineageListQuerySchema } from '../api/routes/lineage.ts';
import type { LineageFilter } from '../lineage/store.ts';
import type { FilterForm } from './pages/lineage-list-page.tsx';

export const FILTER_FIELDS = ['subject', 'org', 'dataset', 'decision', 'code', 'from', 'to'] as const;

export type ParsedFilter =
  | { readonly ok: true; readonly form: FilterForm; readonly filter: LineageFilter; readonly cursor?: string }
  | { readonly ok: false; readonly form: FilterForm };

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/;

/** `2026-11-27T06:30` (what datetime-local sends) → `2026-11-27T06:30:00Z`; anything else is passed on to be checked. */
export const utcFromLocalInput = (v: string): string => {
  const m = LOCAL_TIME.exec(v);
  return m ? `${m[1]}${m[2] ?? ':00'}Z` : v;
};

/** `queries` is every value of every parameter: a repeated filter is ambiguous and refused, like the API. */
export function parseLineageFilter(queries: Record<string, string[]>): ParsedFilter {
  const one = (k: string): string => queries[k]?.[0]?.trim() ?? '';
  const form: FilterForm = {
    subject: one('subject'),
    org: one('org'),
    dataset: one('dataset'),
    decision: one('decision'),
    code: one('code'),
    from: one('from'),
    to: one('to'),
  };
  if ([...FILTER_FIELDS, 'cursor'].some((k) => (queries[k]?.length ?? 0) > 1)) return { ok: false, form };
  const query: Record<string, string> = {};
  for (const k of FILTER_FIELDS) if (form[k] !== '') query[k] = k === 'from' || k === 'to' ? utcFromLocalInput(form[k]) : form[k];
  const cursor = one('cursor');
  if (cursor !== '') query.cursor = cursor;
  const checked = LineageListQuerySchema(query);
  if (checked instanceof type.errors) return { ok: false, form };
  const { cursor: validCursor, limit: _limit, ...filter } = checked;
  return { ok: true, form, filter: filter as LineageFilter, ...(validCursor ? { cursor: validCursor } : {}) };
}

/** The page's address with these filters and, optionally, a cursor. */
export function lineageListHref(base: string, form: FilterForm, cursor?: string): string {
  const params = new URLSearchParams();
  for (const k of FILTER_FIELDS) if (form[k] !== '') params.set(k, form[k]);
  if (cursor) params.set('cursor', cursor);
  const q = params.toString();
  return q ? `${base}?${q}` : base;
}
