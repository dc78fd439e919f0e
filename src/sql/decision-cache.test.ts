// The decision cache gives exactly what the compiler gives, per catalog version and input, and nothing a caller
// could alter for the next one.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { loadCatalog } from '../catalog/load.ts';
import { loadPolicy } from '../policy/load.ts';
import { compileQuery, SqlCompiler, type CompileInput } from './compile.ts';
import { DecisionCache, MAX_CACHED_SQL_BYTES } from './decision-cache.ts';

const root = path.resolve(import.meta.dirname, '../..');
const catalog = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const analyst: Principal = { sub: 'a', org: 'o', roles: ['developer'], datasets: 'all', jti: 'j', exp: 0 };
const ALLOWED = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district';
const REFUSED = 'SELECT id_card FROM population.residents';

let compiler: SqlCompiler;
beforeAll(async () => {
  compiler = await SqlCompiler.create(catalog);
});
afterAll(() => compiler?.close());

/** A cache lookup that counts how often the real compiler ran. */
function counting(cache: DecisionCache) {
  let compiled = 0;
  return {
    get compiled() {
      return compiled;
    },
    decide: (version: string, input: CompileInput) =>
      cache.decide(version, input, () => {
        compiled++;
        return compileQuery(input, analyst, catalog, policy, compiler);
      }),
  };
}

describe('DecisionCache', () => {
  it('answers a repeated query with the decision the compiler gave, compiling once', async () => {
    const c = counting(new DecisionCache());
    const first = await c.decide('v1:x', { sql: ALLOWED, mode: 'aggregate' });
    const again = await c.decide('v1:x', { sql: ALLOWED, mode: 'aggregate' });
    expect(again).toBe(first);
    expect(c.compiled).toBe(1);
    expect(again).toEqual(await compileQuery({ sql: ALLOWED, mode: 'aggregate' }, analyst, catalog, policy, compiler));
  });

  it('remembers refusals too, with their codes', async () => {
    const c = counting(new DecisionCache());
    const first = await c.decide('v1:x', { sql: REFUSED, mode: 'aggregate' });
    expect(first.effect).toBe('deny');
    expect(await c.decide('v1:x', { sql: REFUSED, mode: 'aggregate' })).toBe(first);
    expect(c.compiled).toBe(1);
  });

  it('compiles again under another catalog version, mode, dp bounds or text', async () => {
    const c = counting(new DecisionCache());
    await c.decide('v1:x', { sql: ALLOWED, mode: 'aggregate' });
    await c.decide('v2:y', { sql: ALLOWED, mode: 'aggregate' });
    await c.decide('v1:x', { sql: ALLOWED, mode: 'rows' });
    await c.decide('v1:x', { sql: ALLOWED, mode: 'aggregate', dpBounds: { maxGroups: 5 } });
    await c.decide('v1:x', { sql: `${ALLOWED} `, mode: 'aggregate' });
    expect(c.compiled).toBe(5);
  });

  it('hands out frozen decisions, so no caller can change what the next one is given', async () => {
    const c = counting(new DecisionCache());
    const d = await c.decide('v1:x', { sql: ALLOWED, mode: 'aggregate' });
    if (d.effect !== 'allow') throw new Error('expected an allowed query');
    expect(() => {
      (d.compiled as { sql: string }).sql = 'SELECT 1';
    }).toThrow(TypeError);
    expect(Object.isFrozen(d.compiled.outputs[0])).toBe(true);
  });

  it('forgets the least recently used decision beyond its size', async () => {
    const cache = new DecisionCache(2);
    const c = counting(cache);
    const a = { sql: ALLOWED, mode: 'aggregate' } as const;
    const b = { sql: 'SELECT gender, count(*) AS n FROM population.residents GROUP BY gender', mode: 'aggregate' } as const;
    const x = { sql: 'SELECT industry, count(*) AS n FROM market.enterprises GROUP BY industry', mode: 'aggregate' } as const;
    await c.decide('v1', a);
    await c.decide('v1', b);
    await c.decide('v1', a); // a is now the most recent
    await c.decide('v1', x); // evicts b
    expect(c.compiled).toBe(3);
    await c.decide('v1', a);
    expect(c.compiled).toBe(3);
    await c.decide('v1', b);
    expect(c.compiled).toBe(4);
    expect(cache.stats().entries).toBe(2);
  });

  it('does not keep very long texts', async () => {
    const cache = new DecisionCache();
    const c = counting(cache);
    const long = `${ALLOWED} -- ${'x'.repeat(MAX_CACHED_SQL_BYTES)}`;
    await c.decide('v1', { sql: long, mode: 'aggregate' });
    await c.decide('v1', { sql: long, mode: 'aggregate' });
    expect(c.compiled).toBe(2);
    expect(cache.stats().entries).toBe(0);
  });
});
