// Loads and validates the catalog from datasets/*/dataset.yaml. A bad file stops startup with a message
// naming the file and the path of the bad field.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type } from 'arktype';
import { DatasetSchema, type Catalog, type Dataset } from './schema.ts';

export class ConfigFileError extends Error {
  constructor(readonly file: string, readonly problems: string) {
    super(`${file}: ${problems}`);
    this.name = 'ConfigFileError';
  }
}

/** Reads a YAML file and validates it with an arktype schema; errors name the file and the field path. */
export function loadYamlFile<T>(file: string, schema: (data: unknown) => T | type.errors): T {
  let data: unknown;
  try {
    data = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigFileError(file, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const out = schema(data);
  if (out instanceof type.errors) {
    throw new ConfigFileError(file, out.map((e) => `${e.path.join('.') || '(root)'}: ${e.message}`).join('; '));
  }
  return out;
}

/** The cross-checks the schema cannot express (id = folder, bases, bounds, privacy units); throws ConfigFileError. */
export function checkDataset(file: string, ds: Dataset): void {
  const problems: string[] = [];
  if (path.basename(path.dirname(file)) !== ds.id) problems.push(`id: must equal the folder name ${path.basename(path.dirname(file))}`);
  for (const [kind, st] of [['share', ds.share], ['open', ds.open]] as const) {
    if (st.type !== 'unconditional' && !st.basis) problems.push(`${kind}.basis: required when ${kind}.type is ${st.type}`);
  }
  ds.tables.forEach((t, ti) => {
    const names = new Set<string>();
    t.columns.forEach((c, ci) => {
      const at = `tables.${ti}.columns.${ci}`;
      if (names.has(c.name)) problems.push(`${at}.name: duplicate column ${c.name}`);
      names.add(c.name);
      if (c.bounds && !(c.bounds[0] < c.bounds[1])) problems.push(`${at}.bounds: lower bound must be below upper bound`);
      if (c.categorical && c.level !== 'L3') problems.push(`${at}.categorical: only meaningful for L3 columns`);
      if (c.pseudonym && c.level !== 'L4') problems.push(`${at}.pseudonym: only L4 identifiers are pseudonymized`);
    });
    if (t.privacyUnit !== null && !names.has(t.privacyUnit)) problems.push(`tables.${ti}.privacyUnit: no column ${t.privacyUnit}`);
    const personal = t.columns.some((c) => c.level === 'L3' || c.level === 'L4');
    if (personal && t.privacyUnit === null) problems.push(`tables.${ti}.privacyUnit: required for a table with L3/L4 columns`);
  });
  if (problems.length) throw new ConfigFileError(file, problems.join('; '));
}

export function loadDatasetFile(file: string): Dataset {
  const ds = loadYamlFile(file, DatasetSchema);
  checkDataset(file, ds);
  return ds;
}

export function makeCatalog(datasets: readonly Dataset[]): Catalog {
  const byId = new Map(datasets.map((d) => [d.id, d]));
  const tables = new Map<string, { dataset: Dataset; table: Dataset['tables'][number] }>();
  for (const d of datasets) for (const t of d.tables) tables.set(`${d.id}.${t.name}`, { dataset: d, table: t });
  return {
    datasets,
    dataset: (id) => byId.get(id.toLowerCase()),
    table: (schema, table) => tables.get(`${schema.toLowerCase()}.${table.toLowerCase()}`),
  };
}

/** Loads every datasets/<id>/dataset.yaml under dir, sorted by id. */
export function loadCatalog(dir: string): Catalog {
  const ids = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const datasets = ids
    .map((id) => path.join(dir, id, 'dataset.yaml'))
    .filter((f) => fs.existsSync(f))
    .map(loadDatasetFile);
  if (datasets.length === 0) throw new ConfigFileError(dir, 'no dataset.yaml found');
  return makeCatalog(datasets);
}
