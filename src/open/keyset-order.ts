// The stable, unique order in which an unconditionally open table is paged (keyset pagination: each page
// starts after the last key of the one before, so a page costs the same at any depth, unlike OFFSET). The
// catalog does not declare keys, so they are declared here, each with the shape its values must have: a
// cursor carrying anything else is refused before it comes near SQL.
import type { Table } from '../catalog/schema.ts';

export interface KeysetOrder {
  /** A column whose values are unique and never null. */
  readonly column: string;
  /** What every value of the key looks like (attacker-controlled cursors are checked against it). */
  readonly shape: RegExp;
}

const ORDERS: Readonly<Record<string, KeysetOrder>> = {
  // GB 32100 unified social credit codes: 18 characters of digits and capital letters, unique per enterprise.
  'market.enterprises': { column: 'credit_code', shape: /^[0-9A-Z]{18}$/ },
};

export function keysetOrderOf(dataset: string, table: Table): KeysetOrder | undefined {
  const order = ORDERS[`${dataset}.${table.name}`];
  return order && table.columns.some((c) => c.name === order.column) ? order : undefined;
}
