// Loads small reference tables from JS into DuckDB TEMP tables through the appender, and builds the
// "slot" tables the SQL generators use to draw weighted choices with one equality join.
import type { DuckDBConnection } from '@duckdb/node-api';

export type ReferenceColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
export type ReferenceValue = string | number | boolean | null;

/** Number of slots in a weighted-choice table: the resolution of every weight is 1 / SLOTS. */
export const SLOTS = 10_000;

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

/**
 * Creates TEMP TABLE `name(grp VARCHAR, slot INTEGER, <value columns>)`: for each group, SLOTS rows
 * spreading the group's weighted values. A draw joins on (grp, CAST(floor(u * SLOTS) AS INTEGER)).
 */
export async function loadWeightedChoice(
  connection: DuckDBConnection,
  name: string,
  valueColumns: Readonly<Record<string, ReferenceColumnType>>,
  groups: Readonly<Record<string, readonly (readonly [readonly ReferenceValue[], number])[]>>,
): Promise<void> {
  function* rows(): Generator<ReferenceValue[]> {
    for (const [grp, entries] of Object.entries(groups)) {
      let slot = 0;
      for (const values of weightedSlots(entries)) yield [grp, slot++, ...values];
    }
  }
  await loadReferenceTable(connection, name, { grp: 'VARCHAR', slot: 'INTEGER', ...valueColumns }, rows());
}

/** SQL for the slot index of a uniform draw. */
export const slotSql = (uniform: string): string => `CAST(floor(${uniform} * ${SLOTS}) AS INTEGER)`;
