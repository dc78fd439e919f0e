// Test fixture: a DSBX_HOME holding a generated domain.duckdb. Domains are generated once per (scale, seed,
// catalog files, generator sources, DuckDB version) and cached under the OS temp directory; several vitest
// worker processes may ask at once (each generates into its own temp dir and renames it into place; the
// first rename wins and the others use the winner's).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadCatalog } from '../../src/catalog/load.ts';
import { seedDomain } from '../../src/domain/seed.ts';

const projectRoot = path.resolve(import.meta.dirname, '..', '..');
const datasetsDir = path.join(projectRoot, 'datasets');
/** The seed tests use unless they ask for another (the same default as src/config.ts). */
export const TEST_SEED = 20240101;

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const id of fs.readdirSync(datasetsDir).sort()) {
    for (const f of ['dataset.yaml', 'generate.ts']) {
      const p = path.join(datasetsDir, id, f);
      if (fs.existsSync(p)) files.push(p);
    }
  }
  const domain = path.join(projectRoot, 'src', 'domain');
  for (const f of fs.readdirSync(domain).sort()) if (f.endsWith('.ts') && !f.endsWith('.test.ts')) files.push(path.join(domain, f));
  return files;
}

/** Key of a cached domain: anything that changes the generated rows changes the key. */
export function domainCacheKey(scale: number, seed: number): string {
  const h = createHash('sha256').update(`scale=${scale};seed=${seed};`);
  const require = createRequire(import.meta.url);
  const duckdbPackage = require.resolve('@duckdb/node-api/package.json');
  h.update(`duckdb=${JSON.parse(fs.readFileSync(duckdbPackage, 'utf8')).version};`);
  for (const f of sourceFiles()) h.update(path.relative(projectRoot, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return `s${scale}-seed${seed}-${h.digest('hex').slice(0, 16)}`;
}

/** Generates (or finds) the cached domain and returns the path of its domain.duckdb. */
export async function cachedDomainFile(scale = 2000, seed = TEST_SEED): Promise<string> {
  const root = path.join(os.tmpdir(), 'dsbx-test-domains');
  fs.mkdirSync(root, { recursive: true });
  const cached = path.join(root, domainCacheKey(scale, seed));
  const file = path.join(cached, 'domain.duckdb');
  if (fs.existsSync(file)) return file;
  const work = fs.mkdtempSync(`${cached}.tmp-`);
  try {
    await seedDomain({ home: work, scale, seed, catalog: loadCatalog(datasetsDir) });
    try {
      fs.renameSync(work, cached);
    } catch (e) {
      // Another worker finished first: its directory is complete (it was renamed whole), use it.
      if (!fs.existsSync(file)) throw e;
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return file;
}

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh DSBX_HOME directory (its own, so tests can write keys and lineage there without meeting each
 * other) containing a copy of the cached domain generated at `scale` residents. Removed when the process exits.
 */
export async function testDomainHome(scale = 2000, seed = TEST_SEED): Promise<string> {
  const file = await cachedDomainFile(scale, seed);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-test-home-'));
  made.push(home);
  fs.copyFileSync(file, path.join(home, 'domain.duckdb'), fs.constants.COPYFILE_FICLONE);
  return home;
}

/** A read-only connection to a domain file, for tests that inspect generated rows. */
export interface DomainReader {
  /** Rows as JSON-safe objects (BIGINT and DECIMAL come back as strings). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function readDomain(file: string): Promise<DomainReader> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  return {
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
