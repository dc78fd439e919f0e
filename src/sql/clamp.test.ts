// The clamp around bounded L3 values in sums and averages, through the real sandbox: a value outside the
// bounds counts as the bound, and a NULL stays NULL, so that an average is over the values that exist (the
// former least(greatest(x, lo), hi) counted each missing value as the lower bound). A caller cannot name
// the clamp macro.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../sandbox/supervisor.ts';
import type { Principal } from '../auth/principal.ts';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/schema.ts';
import { loadPolicy } from '../policy/load.ts';
import { compileQuery } from './compile.ts';
import type { CompiledQuery } from './compiled.ts';
import { catalogDdl, SqlCompiler } from './compiler.ts';

const root = path.resolve(import.meta.dirname, '../..');
const shipped = loadCatalog(path.join(root, 'datasets'));
const catalog: Catalog = makeCatalog(shipped.datasets.map((d) => ({ ...d, profile: 'threshold' as const })));
const policy = loadPolicy(path.join(root, 'policies'));
const principal: Principal = { sub: 'analyst', org: 'org', roles: ['developer'], datasets: 'all', jti: 'j1', exp: 2e9 };

let home: string;
let sandbox: Sandbox;
let direct: DuckDBInstance;
let db: DuckDBConnection;
let compiler: SqlCompiler;

// heating_bills: 66 households over districts d0–d2. area_m2 lies within [10, 400], but six households of
// d0 have none (NULL); amount_due lies within [0, 20000] except one bill of 25,000 in d1.
beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'dsbx-clamp-'));
  const file = path.join(home, 'domain.duckdb');
  const setup = await DuckDBInstance.create(file);
  const c = await setup.connect();
  for (const s of catalogDdl(catalog)) await c.run(s);
  await c.run(`INSERT INTO utilities.heating_bills (id_card, district, season, area_m2, amount_due)
    SELECT 'p' || i, 'd' || (i % 3), 'winter', 10 + i * 5.5, i * 10 FROM range(60) t(i)`);
  await c.run(`INSERT INTO utilities.heating_bills (id_card, district, season, area_m2, amount_due)
    SELECT 'q' || i, 'd0', 'winter', NULL, 100 FROM range(6) t(i)`);
  await c.run(`UPDATE utilities.heating_bills SET amount_due = 25000 WHERE id_card = 'p1'`);
  c.closeSync();
  setup.closeSync();
  sandbox = await Sandbox.start({
    domainFile: file, tmpDir: path.join(home, 'tmp'), pseudonymSecret: new Uint8Array(32).fill(5), threads: 1, memoryLimit: '256MB',
    tempDirectorySize: '256MB', concurrency: 2, queueLimit: 4, timeoutMs: 10_000, killGraceMs: 500,
  });
  compiler = await SqlCompiler.create(catalog);
  direct = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  db = await direct.connect();
}, 60_000);

afterAll(async () => {
  db?.closeSync();
  direct?.closeSync();
  compiler?.close();
  await sandbox?.close();
  rmSync(home, { recursive: true, force: true });
});

async function compiled(sql: string): Promise<CompiledQuery> {
  const d = await compileQuery({ sql, mode: 'aggregate' }, principal, catalog, policy, compiler);
  if (d.effect !== 'allow') throw new Error(`denied ${d.code}`);
  return d.compiled;
}

const release = async (c: CompiledQuery): Promise<unknown[][]> =>
  [...(await sandbox.execute(c, { subject: 'test', queryId: 'q' })).rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

const one = async (sql: string): Promise<unknown> => (await db.runAndReadAll(sql)).getRowsJson()[0]?.[0];

describe('clamping bounded values in sums and averages', () => {
  const SQL = 'SELECT district, avg(area_m2) AS area, sum(amount_due) AS due, count(*) AS n FROM utilities.heating_bills GROUP BY 1';

  it('clamps each bounded column with the sandbox macro, a whole expression too, in DOUBLE arithmetic', async () => {
    const c = await compiled(SQL);
    expect(c.sql).toContain('avg(dsbx_clamp(area_m2, 10, 400)) AS area');
    expect(c.sql).toContain('sum(dsbx_clamp(amount_due, 0, 20000)) AS due');
    expect((await compiled('SELECT district, sum(area_m2 * 2) AS s FROM utilities.heating_bills GROUP BY 1')).sql)
      .toContain('sum(dsbx_clamp((CAST(dsbx_clamp(area_m2, 10, 400) AS DOUBLE) * 2), 20, 800)) AS s');
  });

  it('averages over the values that exist: a missing area is not counted as the lower bound', async () => {
    const expected = Number(await one(`SELECT avg(area_m2) FROM utilities.heating_bills WHERE district = 'd0'`));
    const old = Number(await one(`SELECT avg(least(greatest(area_m2, 10), 400)) FROM utilities.heating_bills WHERE district = 'd0'`));
    expect(old).not.toBeCloseTo(expected, 3);
    const rows = await release(await compiled(SQL));
    expect(rows.map((r) => r[0])).toEqual(['d0', 'd1', 'd2']);
    expect(Number(rows[0]![1])).toBeCloseTo(expected, 9);
  });

  it('counts a value outside the bounds as the bound: the 25,000 bill as 20,000', async () => {
    const expected = Number(await one(`SELECT sum(least(amount_due, 20000)) FROM utilities.heating_bills WHERE district = 'd1'`));
    const rows = await release(await compiled(SQL));
    expect(Number(rows[1]![2])).toBe(expected);
    expect(Number(rows[1]![2])).toBeLessThan(Number(await one(`SELECT sum(amount_due) FROM utilities.heating_bills WHERE district = 'd1'`)));
  });

  it('refuses a caller who names the clamp macro', async () => {
    const d = await compileQuery({ sql: 'SELECT district, sum(dsbx_clamp(kwh, 0, 1)) AS s FROM utilities.power_usage GROUP BY 1', mode: 'aggregate' }, principal, catalog, policy, compiler);
    expect(d.effect).toBe('deny');
    expect(d.effect === 'deny' && d.violations.map((v) => v.rule)).toContain('FUNCTION_NOT_ALLOWED');
  });
});
