// seedDomain: the generated schema is exactly the catalog's, the same seed and scale give the same rows in
// the same order, the file appears only when complete, and a catalog without generators is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import { GENERATORS, generationOrder, seedDomain } from './seed.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '..', '..', 'datasets'));
const homes: string[] = [];
const freshHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-seed-test-'));
  homes.push(home);
  return home;
};
afterAll(() => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

/** md5 of every table's rows in storage order (rowid), so that order differences count too. */
async function tableDigests(file: string): Promise<Record<string, string>> {
  const db = await readDomain(file);
  const out: Record<string, string> = {};
  for (const ds of catalog.datasets) {
    for (const t of ds.tables) {
      const [row] = await db.rows(`SELECT md5(string_agg(CAST(x AS VARCHAR), chr(10) ORDER BY rowid)) AS d FROM (SELECT rowid, * FROM ${ds.id}.${t.name}) x`);
      out[`${ds.id}.${t.name}`] = String(row?.d);
    }
  }
  db.close();
  return out;
}

describe('the generated domain', () => {
  let db: DomainReader;
  beforeAll(async () => {
    db = await readDomain(await cachedDomainFile());
  });
  afterAll(() => db.close());

  it('has exactly the catalog schemas, tables, columns (in catalog order) and declared types', async () => {
    const actual = await db.rows(`
      SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS type
      FROM information_schema.columns WHERE table_catalog = current_database()
      ORDER BY table_schema, table_name, ordinal_position`);
    const expected = catalog.datasets
      .flatMap((d) => d.tables.flatMap((t) => t.columns.map((c) => ({ s: d.id, t: t.name, c: c.name, type: c.type }))))
      .sort((a, b) => (a.s + '.' + a.t).localeCompare(b.s + '.' + b.t));
    const stable = (rows: { s: unknown; t: unknown }[]) => [...rows].sort((a, b) => String(a.s + '.' + a.t).localeCompare(String(b.s + '.' + b.t)));
    expect(stable(actual as typeof expected)).toEqual(stable(expected));
  });

  it('has rows in every table, and no column that is always NULL', async () => {
    for (const ds of catalog.datasets) {
      for (const t of ds.tables) {
        const counts = t.columns.map((c) => `count("${c.name}") AS "${c.name}"`).join(', ');
        const [row] = await db.rows(`SELECT ${counts} FROM ${ds.id}.${t.name}`);
        for (const c of t.columns) expect(Number(row?.[c.name]), `${ds.id}.${t.name}.${c.name}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('seeding', () => {
  it('gives identical tables, row for row and in order, for the same seed and scale; others for another seed', async () => {
    const [a, b, c] = await Promise.all([
      seedDomain({ home: freshHome(), scale: 600, seed: 7, catalog }),
      seedDomain({ home: freshHome(), scale: 600, seed: 7, catalog }),
      seedDomain({ home: freshHome(), scale: 600, seed: 8, catalog }),
    ]);
    const [da, db, dc] = await Promise.all([tableDigests(a.file), tableDigests(b.file), tableDigests(c.file)]);
    expect(da).toEqual(db);
    expect(a.rows).toEqual(b.rows);
    for (const table of Object.keys(da)) expect(dc[table], table).not.toEqual(da[table]);
  });

  it('leaves only domain.duckdb in the home directory once done', async () => {
    const home = freshHome();
    const result = await seedDomain({ home, scale: 100, seed: 1, catalog });
    expect(fs.readdirSync(home)).toEqual(['domain.duckdb']);
    expect(result.file).toBe(path.join(home, 'domain.duckdb'));
    expect(result.rows['population.residents']).toBe(100);
  });

  it('refuses a scale it cannot honour and leaves nothing behind', async () => {
    const home = freshHome();
    await expect(seedDomain({ home, scale: 2.5, seed: 1, catalog })).rejects.toThrow();
    expect(fs.readdirSync(home)).toEqual([]);
  });
});

describe('generation order', () => {
  it('runs every generator after the datasets it reads', () => {
    const order = generationOrder(catalog).map((g) => g.dataset);
    for (const g of GENERATORS) for (const dep of g.after) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(g.dataset));
  });

  it('refuses a catalog with a dataset that has no generator', () => {
    const extra = { ...catalog.datasets[0]!, id: 'weather' };
    expect(() => generationOrder(makeCatalog([...catalog.datasets, extra]))).toThrow();
  });
});
