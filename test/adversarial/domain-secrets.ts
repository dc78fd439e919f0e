// The values that must never leave the domain, read from a generated domain file: every distinct value of
// every L4 column (ID numbers, names, phones, addresses, transit cards, diagnosis codes), minus values
// that are also public — a name that is also a published legal representative, or one that is part of an
// enterprise's name, appears in legitimate answers and says nothing about a resident.
import type { Catalog } from '../../src/catalog/schema.ts';
import { readDomain } from '../support/domain.ts';
import type { SecretFamily } from './secret-scanner.ts';

/** Which family each L4 semantic type belongs to; an L4 column of another type fails loudly. */
const FAMILY_OF_SEMANTIC: Readonly<Record<string, SecretFamily>> = {
  id_card: 'id_card',
  person_name: 'name',
  phone: 'phone',
  address: 'address',
  transit_card: 'card_no',
  icd10: 'diagnosis_code',
};

/** Short names (two characters) are too common in ordinary Chinese text to be evidence of a leak. */
const MIN_NAME_LENGTH = 3;

export interface DomainSecrets {
  readonly values: ReadonlyMap<string, SecretFamily>;
  /** How many distinct values each family holds, for the suite's own sanity checks. */
  readonly counts: Readonly<Record<SecretFamily, number>>;
  /** How many L4 values were set aside because they also occur in public (L1/L2) values or the catalog. */
  readonly excludedAsPublic: number;
}

/** Diagnosis codes are short: "I10" inside a credit code is not the code, so they must stand alone there too. */
const occursIn = (text: string, value: string, family: SecretFamily): boolean =>
  family === 'diagnosis_code'
    ? new RegExp(`(?<![A-Za-z0-9])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`).test(text)
    : text.includes(value);

const quote = (id: string): string => `"${id.replaceAll('"', '""')}"`;

export async function readDomainSecrets(domainFile: string, catalog: Catalog): Promise<DomainSecrets> {
  const domain = await readDomain(domainFile);
  try {
    const publicParts: string[] = [JSON.stringify(catalog.datasets)];
    const secrets = new Map<string, SecretFamily>();
    for (const dataset of catalog.datasets) {
      for (const table of dataset.tables) {
        for (const column of table.columns) {
          const from = `${quote(dataset.id)}.${quote(table.name)}`;
          const sql = `SELECT DISTINCT CAST(${quote(column.name)} AS VARCHAR) AS v FROM ${from} WHERE ${quote(column.name)} IS NOT NULL`;
          if (column.level === 'L1' || column.level === 'L2') {
            if (column.type.startsWith('VARCHAR')) for (const r of await domain.rows(sql)) publicParts.push(String(r.v));
            continue;
          }
          if (column.level !== 'L4') continue;
          const family = FAMILY_OF_SEMANTIC[column.semantic];
          if (!family) throw new Error(`domain secrets: no scan family for the L4 column ${dataset.id}.${table.name}.${column.name} (${column.semantic})`);
          for (const r of await domain.rows(sql)) secrets.set(String(r.v), family);
        }
      }
    }
    // One joined text of everything public: "occurs in a public value" is then one includes() per secret.
    const publicText = publicParts.join('\n');
    const values = new Map<string, SecretFamily>();
    const counts: Record<SecretFamily, number> = { id_card: 0, name: 0, phone: 0, address: 0, card_no: 0, diagnosis_code: 0 };
    let excludedAsPublic = 0;
    for (const [value, family] of secrets) {
      if (family === 'name' && [...value].length < MIN_NAME_LENGTH) continue;
      if (occursIn(publicText, value, family)) {
        excludedAsPublic += 1;
        continue;
      }
      values.set(value, family);
      counts[family] += 1;
    }
    return { values, counts, excludedAsPublic };
  } finally {
    domain.close();
  }
}
