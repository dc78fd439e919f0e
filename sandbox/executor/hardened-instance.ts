// The executor's DuckDB instance: the domain file opened read-only with external access, extension
// installation and loading, community and unsigned extensions and persistent secrets all off, memory,
// threads and temporary storage capped, and the configuration locked last, so that no statement run
// later can undo any of it. The settings are read back and checked: a DuckDB that silently ignored one
// would otherwise be trusted.
import { mkdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export interface HardeningOptions {
  readonly domainFile: string;
  /** DuckDB's spill directory; created if missing. */
  readonly tmpDir: string;
  readonly threads: number;
  readonly memoryLimit: string;
  readonly tempDirectorySize: string;
}

/** The base tables a compiled query may read: `schema.table` of the domain catalog. */
export interface DomainTables {
  readonly catalog: string;
  readonly tables: ReadonlySet<string>;
}

export interface HardenedDomain {
  readonly instance: DuckDBInstance;
  readonly domain: DomainTables;
}

// Applied at instance creation: `temp_directory` can no longer be changed once external access is off,
// and options given here are in force before the first connection exists.
const creationOptions = (o: HardeningOptions): Record<string, string> => ({
  access_mode: 'READ_ONLY',
  temp_directory: o.tmpDir,
  max_temp_directory_size: o.tempDirectorySize,
  memory_limit: o.memoryLimit,
  threads: String(o.threads),
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  allow_unsigned_extensions: 'false',
  allow_persistent_secrets: 'false',
  // Results are read in order by the gate anyway; not preserving insertion order lets DuckDB use less memory.
  preserve_insertion_order: 'false',
});

/** Settings that must read back exactly so after locking. */
const EXPECTED: Record<string, string> = {
  access_mode: 'read_only',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  allow_unsigned_extensions: 'false',
  allow_persistent_secrets: 'false',
  lock_configuration: 'true',
};

export async function openHardenedDomain(o: HardeningOptions): Promise<HardenedDomain> {
  mkdirSync(o.tmpDir, { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(o.domainFile, creationOptions(o));
  const setup = await instance.connect();
  try {
    // The same settings again as statements, in case a creation option was accepted but not applied;
    // lock_configuration strictly last.
    for (const [name, value] of Object.entries(creationOptions(o))) {
      if (name === 'access_mode' || name === 'temp_directory') continue;
      await setup.run(`SET ${name} = '${value.replace(/'/g, "''")}'`);
    }
    await setup.run('SET lock_configuration = true');

    const settings = await setup.runAndReadAll(
      `SELECT name, lower(value) AS value FROM duckdb_settings() WHERE name IN (${Object.keys(EXPECTED).map((n) => `'${n}'`).join(', ')})`,
    );
    const actual = new Map(settings.getRowObjectsJson().map((r) => [String(r.name), String(r.value)]));
    for (const [name, value] of Object.entries(EXPECTED)) {
      if (actual.get(name) !== value) throw new Error(`sandbox hardening: setting ${name} did not take effect`);
    }

    const tables = await setup.runAndReadAll(
      `SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal AND NOT temporary`,
    );
    const rows = tables.getRowObjectsJson();
    const current = await setup.runAndReadAll('SELECT current_database() AS db');
    const catalog = String(current.getRowObjectsJson()[0]?.db ?? '');
    return {
      instance,
      domain: { catalog, tables: new Set(rows.map((r) => `${String(r.schema_name)}.${String(r.table_name)}`)) },
    };
  } finally {
    setup.closeSync();
  }
}
