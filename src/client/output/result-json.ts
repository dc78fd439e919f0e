// A result as a JSON array of objects keyed by column name (what `jq` and most scripts expect). A name
// that repeats gets a numeric suffix (`n`, `n_2`) so that no value silently overwrites another.
import type { ResultValue } from '../api-types.ts';

export function uniqueNames(columns: readonly string[]): string[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    let name = c;
    for (let i = 2; seen.has(name); i++) name = `${c}_${i}`;
    seen.add(name);
    return name;
  });
}

export function toJsonRecords(columns: readonly string[], rows: readonly (readonly ResultValue[])[]): string {
  const names = uniqueNames(columns);
  const records = rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
  return `${JSON.stringify(records, null, 2)}\n`;
}
