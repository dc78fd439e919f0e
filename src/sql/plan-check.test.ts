// The plan check reads DuckDB's bound plan: a scan of a column the analysis did not account for refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadCatalog } from '../catalog/load.ts';
import { SqlCompiler } from './compiler.ts';
import { checkPlan } from './plan-check.ts';

const root = path.resolve(import.meta.dirname, '../..');
let compiler: SqlCompiler;
beforeAll(async () => { compiler = await SqlCompiler.create(loadCatalog(path.join(root, 'datasets'))); });
afterAll(() => compiler.close());

describe('checkPlan', () => {
  const sql = 'SELECT district, count(DISTINCT id_card) FROM population.residents GROUP BY 1';

  it('passes when every scanned column is accounted for', async () => {
    const p = await compiler.plan(sql);
    expect(p.ok).toBe(true);
    if (p.ok) expect(checkPlan(p.plan, new Set(['population.residents.district', 'population.residents.id_card'])).ok).toBe(true);
  });

  it('names the scanned column the analysis did not account for', async () => {
    const p = await compiler.plan(sql);
    if (!p.ok) throw new Error('plan');
    const f = checkPlan(p.plan, new Set(['population.residents.district']));
    expect(f.ok).toBe(false);
    expect(f.unaccounted).toEqual(['population.residents.id_card']);
  });

  it('passes a count(*) alone, whose scan reads only the virtual row id', async () => {
    const p = await compiler.plan('SELECT count_star() AS n FROM population.residents');
    expect(p.ok).toBe(true);
    if (p.ok) expect(checkPlan(p.plan, new Set()).ok).toBe(true);
  });

  it('still names an unaccounted column read beside the row id', async () => {
    const p = await compiler.plan('SELECT count_star() AS n, max(gender) AS g FROM population.residents');
    if (!p.ok) throw new Error('plan');
    expect(checkPlan(p.plan, new Set()).unaccounted).toEqual(['population.residents.gender']);
  });

  it('refuses a plan that scans anything but a catalog table', () => {
    const plan = { plans: [{ type: 'LOGICAL_GET', name: 'read_csv', children: [] }] };
    expect(checkPlan(plan, new Set()).ok).toBe(false);
  });

  it('cannot bind table functions or files in the plan-check instance', async () => {
    expect((await compiler.plan("SELECT * FROM read_csv('/etc/passwd')")).ok).toBe(false);
    expect((await compiler.plan("SELECT * FROM '/etc/passwd'")).ok).toBe(false);
  });
});
