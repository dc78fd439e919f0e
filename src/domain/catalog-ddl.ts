// DDL for the domain derived from the catalog: one schema per dataset, one table per catalog table, the
// columns in catalog order with their declared DuckDB types. The generator creates nothing else that
// persists, so no column exists in the domain and not in the catalog, or the other way round.
import type { Catalog } from '../catalog/schema.ts';

/** Quotes an identifier that the catalog schema has already restricted to [a-z][a-z0-9_]*. */
export const quoteIdent = (name: string): string => {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error('catalog identifiers are lower-case');
  return `"${name}"`;
};

export function catalogDdl(catalog: Catalog): string[] {
  const out: string[] = [];
  for (const ds of catalog.datasets) {
    out.push(`CREATE SCHEMA ${quoteIdent(ds.id)}`);
    for (const t of ds.tables) {
      const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
      out.push(`CREATE TABLE ${quoteIdent(ds.id)}.${quoteIdent(t.name)} (${cols})`);
    }
  }
  return out;
}
