// Each catalog edit applied to the real catalog: what it changes, that nothing else changes, and the
// refusals (new columns or tables, unknown targets, an entry the schema or its cross-checks reject).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import type { Column, Dataset } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import { applyCatalogEdits, CatalogEditSchema, type CatalogEdit } from './catalog-changes-edit.ts';

const { datasets } = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
const residents = (ds: readonly Dataset[]) => ds.find((d) => d.id === 'population')!.tables.find((t) => t.name === 'residents')!;
const col = (ds: readonly Dataset[], name: string): Column | undefined => residents(ds).columns.find((c) => c.name === name);
const population = (ds: readonly Dataset[]) => ds.find((d) => d.id === 'population')!;

const refusal = (edits: unknown[]): { code: string; rule: unknown } => {
  try {
    applyCatalogEdits(datasets, 'population', edits.map((e) => CatalogEditSchema.assert(e)));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, rule: e.details?.violations?.[0]?.rule };
  }
  throw new Error('expected a refusal');
};

describe('applyCatalogEdits', () => {
  it.each([
    { name: 'set_level raises a level', edit: { op: 'set_level', table: 'residents', column: 'gender', level: 'L3' }, check: (d: Dataset[]) => col(d, 'gender')!.level === 'L3' },
    { name: 'set_mask clears a mask', edit: { op: 'set_mask', table: 'residents', column: 'address', mask: null }, check: (d: Dataset[]) => !('mask' in col(d, 'address')!) },
    { name: 'set_mask sets a mask', edit: { op: 'set_mask', table: 'residents', column: 'district', mask: 'address' }, check: (d: Dataset[]) => col(d, 'district')!.mask === 'address' },
    { name: 'set_pseudonym clears the flag', edit: { op: 'set_pseudonym', table: 'residents', column: 'id_card', pseudonym: false }, check: (d: Dataset[]) => !('pseudonym' in col(d, 'id_card')!) },
    { name: 'set_bounds sets bounds', edit: { op: 'set_bounds', table: 'residents', column: 'gender', bounds: [0, 9] }, check: (d: Dataset[]) => col(d, 'gender')!.bounds?.[1] === 9 },
    { name: 'set_title renames the dataset', edit: { op: 'set_title', title: { zh: '人口', en: 'People' } }, check: (d: Dataset[]) => population(d).title.en === 'People' },
    { name: 'set_title renames a table', edit: { op: 'set_title', table: 'residents', title: { zh: '居民', en: 'Inhabitants' } }, check: (d: Dataset[]) => residents(d).title.en === 'Inhabitants' },
    { name: 'set_share opens sharing', edit: { op: 'set_share', type: 'unconditional' }, check: (d: Dataset[]) => population(d).share.type === 'unconditional' && !('basis' in population(d).share) },
    { name: 'set_open with a basis', edit: { op: 'set_open', type: 'conditional', basis: 'art. 18' }, check: (d: Dataset[]) => population(d).open.basis === 'art. 18' },
    { name: 'set_update_frequency', edit: { op: 'set_update_frequency', updateFrequency: 'monthly' }, check: (d: Dataset[]) => population(d).updateFrequency === 'monthly' },
    { name: 'withdraw_column removes the column', edit: { op: 'withdraw_column', table: 'residents', column: 'phone' }, check: (d: Dataset[]) => col(d, 'phone') === undefined },
  ])('$name, leaving the other datasets and the input untouched', ({ edit, check }) => {
    const before = JSON.stringify(datasets);
    const out = applyCatalogEdits(datasets, 'population', [CatalogEditSchema.assert(edit) as CatalogEdit]);
    expect(check(out)).toBe(true);
    expect(JSON.stringify(datasets)).toBe(before);
    expect(out.filter((d) => d.id !== 'population')).toEqual(datasets.filter((d) => d.id !== 'population'));
  });

  it.each([
    { name: 'a new column', edits: [{ op: 'add_column', table: 'residents' }], rule: 'CATALOG_CHANGE_NEEDS_DATA' },
    { name: 'a new table', edits: [{ op: 'add_table' }], rule: 'CATALOG_CHANGE_NEEDS_DATA' },
    { name: 'an unknown column', edits: [{ op: 'set_level', table: 'residents', column: 'salary', level: 'L3' }], rule: 'CATALOG_CHANGE_UNKNOWN_TARGET' },
    { name: 'a column title without its table', edits: [{ op: 'set_title', column: 'gender', title: { zh: 'x', en: 'x' } }], rule: 'CATALOG_CHANGE_UNKNOWN_TARGET' },
    { name: 'bounds that are upside down', edits: [{ op: 'set_bounds', table: 'residents', column: 'gender', bounds: [9, 0] }], rule: 'CATALOG_CHANGE_INVALID' },
    { name: 'categorical on an L2 column', edits: [{ op: 'set_level', table: 'residents', column: 'ethnicity', level: 'L2' }], rule: 'CATALOG_CHANGE_INVALID' },
    { name: 'a conditional open type without a basis', edits: [{ op: 'set_open', type: 'conditional' }], rule: 'CATALOG_CHANGE_INVALID' },
  ])('refuses $name with BAD_REQUEST $rule', ({ edits, rule }) => {
    expect(refusal(edits)).toEqual({ code: 'BAD_REQUEST', rule });
  });

  it('applies edits in order, so a later edit can make an earlier one valid', () => {
    const out = applyCatalogEdits(datasets, 'population', [
      CatalogEditSchema.assert({ op: 'set_pseudonym', table: 'residents', column: 'id_card', pseudonym: false }),
      CatalogEditSchema.assert({ op: 'set_level', table: 'residents', column: 'id_card', level: 'L3' }),
    ]);
    expect(col(out, 'id_card')!.level).toBe('L3');
  });

  it('treats withdrawing an already absent column as done when re-applying leniently', () => {
    const once = applyCatalogEdits(datasets, 'population', [CatalogEditSchema.assert({ op: 'withdraw_column', table: 'residents', column: 'phone' })]);
    const edit = CatalogEditSchema.assert({ op: 'withdraw_column', table: 'residents', column: 'phone' });
    expect(applyCatalogEdits(once, 'population', [edit], { lenient: true })).toEqual(once);
    expect(() => applyCatalogEdits(once, 'population', [edit])).toThrow(AppError);
  });
});
