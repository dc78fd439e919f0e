// Which tables are open and how: resolved against the real catalog files, and every page's SQL compiled by
// the real compiler under the real policy, so that what open data asks for is what the grading allows.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import type { Catalog, Dataset } from '../catalog/schema.ts';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import { codeOf } from '../../test/support/thrown-code.ts';
import { loadPolicy } from '../policy/load.ts';
import { compileQuery, SqlCompiler } from '../sql/compile.ts';
import { resolveOpenTable } from './open-table.ts';
import { pageSql } from './page-sql.ts';

const root = path.resolve(import.meta.dirname, '../..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const reader: Principal = { sub: 'anonymous', org: 'public', roles: [], datasets: [], jti: 'none', exp: 0 };
const active = (): Dataset['status'] => 'active';

/** The catalog with one dataset's entry replaced. */
const withDataset = (id: string, change: (d: Dataset) => Dataset): Catalog =>
  makeCatalog(catalog.datasets.map((d) => (d.id === id ? change(d) : d)));

let compiler: SqlCompiler;
beforeAll(async () => {
  compiler = await SqlCompiler.create(catalog);
});
afterAll(() => compiler.close());

describe('resolveOpenTable', () => {
  it('opens market.enterprises row by row, every column raw, in credit-code order', () => {
    const open = resolveOpenTable(catalog, 'market', 'enterprises', active);
    expect(open.open).toBe('unconditional');
    expect(open.columns.map((c) => c.method)).toEqual(open.columns.map(() => 'raw'));
    expect(open.open === 'unconditional' && open.order.column).toBe('credit_code');
  });

  it('opens transit.card_trips desensitized: card pseudonymized, boarding time to month and hour of day, windowed by hour', () => {
    const open = resolveOpenTable(catalog, 'transit', 'card_trips', active);
    expect(open.open).toBe('conditional');
    const methods = Object.fromEntries(open.columns.map((c) => [c.column.name, c.method]));
    expect(methods).toEqual({ card_no: 'pseudonymized', card_type: 'raw', line: 'raw', board_stop: 'raw', boarded_at: 'generalized', fare: 'raw' });
    expect(open.open === 'conditional' && open.window?.name).toBe('boarded_at');
  });

  it.each([
    { name: 'a dataset that is not open', dataset: 'population', table: 'residents' },
    { name: 'an unknown dataset', dataset: 'nope', table: 'enterprises' },
    { name: 'an unknown table', dataset: 'market', table: 'nope' },
    { name: 'a case variant of an open table', dataset: 'market', table: 'Enterprises' },
  ])('answers NOT_FOUND for $name', ({ dataset, table }) => {
    expect(codeOf(() => resolveOpenTable(catalog, dataset, table, active))).toBe('NOT_FOUND');
  });

  it('answers DATASET_SUSPENDED for an open dataset that is suspended or withdrawn, NOT_FOUND for a closed one', () => {
    expect(codeOf(() => resolveOpenTable(catalog, 'market', 'enterprises', () => 'suspended'))).toBe('DATASET_SUSPENDED');
    expect(codeOf(() => resolveOpenTable(catalog, 'transit', 'card_trips', () => 'withdrawn'))).toBe('DATASET_SUSPENDED');
    expect(codeOf(() => resolveOpenTable(catalog, 'population', 'residents', () => 'suspended'))).toBe('NOT_FOUND');
  });

  it('refuses an unconditionally open table without a declared keyset order (it could not be paged exactly)', () => {
    const opened = withDataset('transit', (d) => ({ ...d, open: { type: 'unconditional' } }));
    expect(codeOf(() => resolveOpenTable(opened, 'transit', 'card_trips', active))).toBe('NOT_FOUND');
  });

  it('leaves out of an unconditionally open table any column above L2', () => {
    const graded = withDataset('market', (d) => ({
      ...d,
      tables: d.tables.map((t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'legal_rep' ? { ...c, level: 'L4' as const } : c)) })),
    }));
    const open = resolveOpenTable(graded, 'market', 'enterprises', active);
    expect(open.columns.find((c) => c.column.name === 'legal_rep')?.method).toBe('omitted');
    expect(pageSql(open, null, 10)).not.toContain('legal_rep');
  });
});

describe('page SQL under the real compiler and policy', () => {
  const compile = (sql: string) => compileQuery({ sql, mode: 'rows' }, reader, catalog, policy, compiler);

  it('compiles a keyset page of market.enterprises to a row release of raw L1/L2 columns, ordered and limited', async () => {
    const open = resolveOpenTable(catalog, 'market', 'enterprises', active);
    const d = await compile(pageSql(open, { after: '91230202085006312P' }, 50));
    expect(d.effect).toBe('allow');
    if (d.effect !== 'allow') return;
    expect(d.compiled.outputs.every((o) => o.transform === 'raw')).toBe(true);
    expect(d.compiled.sql).toMatch(/WHERE \(credit_code > '91230202085006312P'\) ORDER BY credit_code LIMIT 50$/);
    expect(d.compiled.kAnonymity).toBeNull();
  });

  it('compiles an hour window of transit.card_trips to a pseudonymized, generalized, k-anonymous row release', async () => {
    const open = resolveOpenTable(catalog, 'transit', 'card_trips', active);
    const d = await compile(pageSql(open, { hour: 7 }, 10_000));
    expect(d.effect).toBe('allow');
    if (d.effect !== 'allow') return;
    const transforms = Object.fromEntries(d.compiled.outputs.map((o) => [o.name, o.transform]));
    expect(transforms).toMatchObject({ card_no: 'pseudonymized', boarded_at_month: 'generalized', boarded_at_hour: 'generalized' });
    expect(d.compiled.kAnonymity).toEqual({ k: policy.profiles.rows.kAnonymity, quasiIdentifiers: ['board_stop', 'boarded_at_month', 'boarded_at_hour'] });
  });
});
