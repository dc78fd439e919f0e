// Tests for reading the lineage page's filter form.
import { describe, expect, it } from 'vitest';
import { lineageListHref, parseLineageFilter, utcFromLocalInput } from './lineage-filter.ts';

const q = (o: Record<string, string | string[]>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

describe('parseLineageFilter', () => {
  it('treats empty fields as "any" and keeps the filled ones', () => {
    const parsed = parseLineageFilter(q({ subject: 'dev-1', org: '', dataset: 'health', decision: 'deny', code: '', from: '', to: '' }));
    expect(parsed).toMatchObject({ ok: true, filter: { subject: 'dev-1', dataset: 'health', decision: 'deny' } });
    expect(parsed.ok && Object.keys(parsed.filter).sort()).toEqual(['dataset', 'decision', 'subject']);
  });

  it('reads datetime-local values as UTC times', () => {
    const parsed = parseLineageFilter(q({ from: '2026-11-27T06:30', to: '2026-11-27T07:00:15' }));
    expect(parsed).toMatchObject({ ok: true, filter: { from: '2026-11-27T06:30:00Z', to: '2026-11-27T07:00:15Z' } });
  });

  it('carries a cursor for the next page', () => {
    expect(parseLineageFilter(q({ cursor: '120' }))).toMatchObject({ ok: true, cursor: '120' });
  });

  it.each([
    { name: 'a decision that is neither allow nor deny', query: { decision: 'maybe' } },
    { name: 'a code that is not an error code', query: { code: 'drop table' } },
    { name: 'a time that is not a time', query: { from: 'yesterday' } },
    { name: 'a cursor that is not a position', query: { cursor: 'abc' } },
    { name: 'a repeated filter', query: { subject: ['a', 'b'] } },
    { name: 'an overlong subject', query: { subject: 'x'.repeat(201) } },
  ] as { name: string; query: Record<string, string | string[]> }[])('refuses $name, keeping what was typed for the form', ({ query }) => {
    const parsed = parseLineageFilter(q(query));
    expect(parsed.ok).toBe(false);
  });
});

describe('utcFromLocalInput', () => {
  it('leaves values that are not datetime-local alone for the schema to judge', () => {
    expect(utcFromLocalInput('2026-11-27T06:30:00Z')).toBe('2026-11-27T06:30:00Z');
  });
});

describe('lineageListHref', () => {
  it('keeps the filled filters and the cursor, and nothing else', () => {
    const form = { subject: 'a b', org: '', dataset: 'health', decision: '', code: '', from: '', to: '' };
    expect(lineageListHref('/console/lineage', form, '42')).toBe('/console/lineage?subject=a+b&dataset=health&cursor=42');
    expect(lineageListHref('/console/lineage', { ...form, subject: '', dataset: '' })).toBe('/console/lineage');
  });
});
