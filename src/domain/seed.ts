// Seeds the synthetic data domain: creates $home/domain.duckdb from the catalog's DDL, runs every
// dataset's generator in dependency order, and renames the file into place only when it is complete, so a
// crash or a concurrent reader never sees half a domain.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Catalog } from '../catalog/schema.ts';
import { homePaths } from '../config.ts';
import { catalogDdl, quoteIdent } from './catalog-ddl.ts';
import type { DatasetGenerator, GenerationContext } from './generation.ts';
import { normalSql, uniformSql } from './seeded-random.ts';
import { generator as population } from '../../datasets/population/generate.ts';
import { generator as market } from '../../datasets/market/generate.ts';
import { generator as socialSecurity } from '../../datasets/social_security/generate.ts';
import { generator as health } from '../../datasets/health/generate.ts';
import { generator as utilities } from '../../datasets/utilities/generate.ts';
import { generator as transit } from '../../datasets/transit/generate.ts';

export const GENERATORS: readonly DatasetGenerator[] = [population, market, socialSecurity, health, utilities, transit];

export interface SeedOptions {
  readonly home: string;
  /** Number of residents; the other tables scale from it (src/domain/README.md). */
  readonly scale: number;
  readonly seed: number;
  readonly catalog: Catalog;
  readonly log?: (msg: string) => void;
}

export interface SeedResult {
  readonly file: string;
  readonly seconds: number;
  /** Rows per table, keyed `dataset.table`. */
  readonly rows: Record<string, number>;
}

/** Orders the generators so that each runs after the datasets it reads; refuses a catalog they do not cover. */
export function generationOrder(catalog: Catalog, generators: readonly DatasetGenerator[] = GENERATORS): DatasetGenerator[] {
  const ids = new Set(catalog.datasets.map((d) => d.id));
  const byId = new Map(generators.map((g) => [g.dataset, g]));
  for (const id of ids) if (!byId.has(id)) throw new Error(`no generator for dataset ${id}`);
  for (const g of generators) if (!ids.has(g.dataset)) throw new Error(`generator for ${g.dataset}, which is not in the catalog`);
  const done = new Set<string>();
  const out: DatasetGenerator[] = [];
  while (out.length < generators.length) {
    const next = generators.find((g) => !done.has(g.dataset) && g.after.every((a) => done.has(a)));
    if (!next) throw new Error('generator dependencies form a cycle');
    done.add(next.dataset);
    out.push(next);
  }
  return out;
}

export async function seedDomain(opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  if (!Number.isInteger(opts.scale) || opts.scale < 10 || opts.scale > 50_000_000) throw new Error('scale must be an integer in [10, 50000000]');
  if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error('seed must be a non-negative integer');
  const log = opts.log ?? (() => {});
  const order = generationOrder(opts.catalog);
  fs.mkdirSync(opts.home, { recursive: true });
  const file = homePaths(opts.home).domain;
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const cleanup = () => {
    for (const f of [tmp, `${tmp}.wal`]) fs.rmSync(f, { force: true });
    fs.rmSync(`${tmp}.tmp`, { recursive: true, force: true });
  };
  try {
    const instance = await DuckDBInstance.create(tmp, { temp_directory: `${tmp}.tmp` });
    const connection = await instance.connect();
    try {
      // FSST string compression costs more CPU than everything else in the generator (about 0.6 µs per
      // string written on this machine); without it strings still get dictionary compression, and the file
      // is larger but written in a fraction of the time. Readers need no setting to read it.
      await connection.run(`SET disabled_compression_methods = 'fsst'`);
      for (const sql of catalogDdl(opts.catalog)) await connection.run(sql);
      for (const gen of order) {
        const dataset = opts.catalog.dataset(gen.dataset);
        if (!dataset) throw new Error(`dataset ${gen.dataset} vanished from the catalog`);
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const context: GenerationContext = {
          connection, seed: opts.seed, scale: opts.scale, dataset,
          uniform: (stream, key) => uniformSql(opts.seed, `${gen.dataset}.${stream}`, key),
          normal: (stream, key) => normalSql(opts.seed, `${gen.dataset}.${stream}`, key),
          insert: async (table, select) => {
            const t = dataset.tables.find((x) => x.name === table);
            if (!t) throw new Error(`table ${gen.dataset}.${table} is not in the catalog`);
            const described = await connection.runAndReadAll(`DESCRIBE ${select}`);
            const got = described.getRowObjectsJson().map((r) => String(r.column_name));
            const want = t.columns.map((c) => c.name);
            if (got.join(',') !== want.join(',')) throw new Error(`generator for ${gen.dataset}.${table} produces [${got}] but the catalog declares [${want}]`);
            await connection.run(`INSERT INTO ${quoteIdent(gen.dataset)}.${quoteIdent(table)} BY NAME ${select}`);
          },
          log,
        };
        await gen.generate(context);
        const cpu = process.cpuUsage(cpu0);
        log(`${gen.dataset}: ${((performance.now() - t0) / 1000).toFixed(1)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
      }
      const rows: Record<string, number> = {};
      for (const ds of opts.catalog.datasets) {
        for (const t of ds.tables) {
          const r = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${quoteIdent(ds.id)}.${quoteIdent(t.name)}`);
          const n = Number(r.getRowObjectsJson()[0]?.n ?? 0);
          if (n === 0) throw new Error(`generator left ${ds.id}.${t.name} empty`);
          rows[`${ds.id}.${t.name}`] = n;
        }
      }
      await connection.run('CHECKPOINT');
      connection.closeSync();
      instance.closeSync();
      fs.renameSync(tmp, file);
      cleanup();
      return { file, seconds: (performance.now() - started) / 1000, rows };
    } catch (e) {
      connection.closeSync();
      instance.closeSync();
      throw e;
    }
  } catch (e) {
    cleanup();
    throw e;
  }
}
