// Loads small reference tables from JS into DuckDB TEMP tables through the appender, and builds the
// "slot" tables the SQL generators use to draw weighted choices with one equality join.
import type { DuckDBConnection } from '@duckdb/node-api';

export type ReferenceColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
export type ReferenceValue = string | number | boolean | null;

/**
 * Number of slots per group in a weighted-choice table: the resolution of every weight is 1 / SLOTS. Kept
 * small so that a choice table stays in cache: the bulk tables probe it millions of times.
 */
export const SLOTS = 1000;

const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('reference table and column names are lower-case identifiers');
  return `"${name}"`;
};

/** Creates TEMP TABLE `name` with the given columns and appends the rows. */
export async function loadReferenceTable(
  connection: DuckDBConnection,
  name: string,
  columns: Readonly<Record<string, ReferenceColumnType>>,
  rows: Iterable<readonly ReferenceValue[]>,
): Promise<void> {
  const cols = Object.entries(columns);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} (${cols.map(([c, t]) => `${quoteIdent(c)} ${t}`).join(', ')})`);
  const appender = await connection.createAppender(name, 'main', 'temp');
  for (const row of rows) {
    if (row.length !== cols.length) throw new Error(`reference row for ${name} has ${row.length} values, expected ${cols.length}`);
    row.forEach((v, i) => {
      const t = cols[i]?.[1];
      if (v === null) appender.appendNull();
      else if (t === 'VARCHAR') appender.appendVarchar(String(v));
      else if (t === 'INTEGER') appender.appendInteger(Number(v));
      else if (t === 'BIGINT') appender.appendBigInt(BigInt(v));
      else if (t === 'DOUBLE') appender.appendDouble(Number(v));
      else appender.appendBoolean(Boolean(v));
    });
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Spreads weights over SLOTS slots by largest remainder: slot s holds the value a uniform draw u lands on
 * when floor(u * SLOTS) = s. Every value with a positive weight gets at least one slot.
 */
export function weightedSlots<T>(entries: readonly (readonly [T, number])[]): T[] {
  const positive = entries.filter(([, w]) => w > 0);
  const total = positive.reduce((s, [, w]) => s + w, 0);
  if (positive.length === 0 || positive.length > SLOTS) throw new Error('a weighted choice needs 1..SLOTS positive weights');
  const exact = positive.map(([v, w]) => ({ v, share: (w / total) * SLOTS }));
  const counts = exact.map((e) => Math.max(1, Math.floor(e.share)));
  let left = SLOTS - counts.reduce((s, c) => s + c, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e.share - Math.floor(e.share) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) counts[byRemainder[k]?.i ?? 0]! += 1;
  for (let k = counts.length - 1; left < 0; k = (k - 1 + counts.length) % counts.length) {
    if ((counts[k] ?? 0) > 1) { counts[k]! -= 1; left++; }
  }
  const out: T[] = [];
  exact.forEach((e, i) => { for (let c = 0; c < (counts[i] ?? 0); c++) out.push(e.v); });
  return out;
}

/** A loaded weighted-choice table: the SQL for the join key of a draw, and the index of each group. */
export interface WeightedChoice {
  readonly table: string;
  /** Index of each group, in the order the groups were given. */
  readonly groups: ReadonlyMap<string, number>;
  /** SQL for the key to join `<table>.key` on: group index (an SQL integer expression) and a uniform draw. */
  key(groupIndex: string, uniform: string): string;
}

/**
 * Creates TEMP TABLE `name(key INTEGER, <value columns>)` holding SLOTS rows per group that spread the
 * group's weighted values; a draw joins on one integer, `key = group * SLOTS + floor(u * SLOTS)`.
 */
export async function loadWeightedChoice(
  connection: DuckDBConnection,
  name: string,
  valueColumns: Readonly<Record<string, ReferenceColumnType>>,
  groups: Readonly<Record<string, readonly (readonly [readonly ReferenceValue[], number])[]>>,
): Promise<WeightedChoice> {
  const index = new Map(Object.keys(groups).map((g, i) => [g, i]));
  function* rows(): Generator<ReferenceValue[]> {
    for (const [grp, entries] of Object.entries(groups)) {
      let slot = (index.get(grp) ?? 0) * SLOTS;
      for (const values of weightedSlots(entries)) yield [slot++, ...values];
    }
  }
  await loadReferenceTable(connection, name, { key: 'INTEGER', ...valueColumns }, rows());
  return {
    table: name,
    groups: index,
    key: (groupIndex, uniform) => `(CAST(${groupIndex} AS INTEGER) * ${SLOTS} + CAST(floor(${uniform} * ${SLOTS}) AS INTEGER))`,
  };
}
