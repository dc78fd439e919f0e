// The fuzz query stream itself: reproducible from its seed, covering every table and every production of
// the grammar, and mutating only code — never the string literals an attack depends on.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { corpusSeeds, fuzzQueries } from './campaign.ts';
import { mutate, MUTATION_NAMES } from './corpus-mutations.ts';
import { Prng } from './prng.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
const take = (seed: number, n: number) => {
  const it = fuzzQueries(catalog, seed);
  return Array.from({ length: n }, () => it.next().value!);
};

describe('the fuzz query stream', () => {
  it('is the same for the same seed and different for another', () => {
    expect(take(7, 300)).toEqual(take(7, 300));
    expect(take(8, 300).map((q) => q.sql)).not.toEqual(take(7, 300).map((q) => q.sql));
  });

  it('draws every grammar production, both corpora and every table of the catalog within 2,000 queries', () => {
    const qs = take(20261127, 2000);
    const sources = new Set(qs.map((q) => q.source));
    for (const s of ['grammar:simple', 'grammar:join', 'grammar:subquery', 'grammar:derived', 'grammar:cte', 'mutation:attacks', 'mutation:refused']) expect(sources).toContain(s);
    const all = qs.map((q) => q.sql).join('\n');
    for (const d of catalog.datasets) for (const t of d.tables) expect(all).toContain(`${d.id}.${t.name}`);
    for (const w of ['IN (', 'LIKE', 'IS NULL', 'BETWEEN', 'JOIN', 'WITH s AS', 'age_band(', 'mask(', 'count(DISTINCT']) expect(all).toContain(w);
  });

  it('uses every mutation, and no mutation alters a string literal of its seed', () => {
    const r = new Prng(3);
    const used = new Set<string>();
    const seeds = corpusSeeds();
    for (let i = 0; i < 3000; i++) {
      const seed = r.pick(seeds);
      const q = mutate(seed, r);
      for (const n of q.shape.slice('mutation:'.length).split('+')) used.add(n);
      for (const lit of seed.sql.match(/'(?:[^']|'')*'/g) ?? []) expect(q.sql).toContain(lit);
    }
    expect([...used].sort()).toEqual([...MUTATION_NAMES].sort());
  });
});
