// The SELECT one page of an open table is read with. It goes through the same compiler, policy and output
// gate as any row release (POST /v1/query, mode rows): nothing here can loosen a protection, and a page the
// policy would refuse is refused. Only catalog names and a cursor key that already matched its declared
// shape are placed in the text.
import type { OpenTable } from './open-table.ts';
import type { PagePosition } from './page-cursor.ts';

const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export function pageSql(open: OpenTable, position: PagePosition | null, limit: number): string {
  const items = open.columns.flatMap((c) => c.outputs.map((o) => `${o.expression} AS "${o.name}"`)).join(', ');
  const from = `"${open.dataset.id}"."${open.table.name}"`;
  if (open.open === 'unconditional') {
    const key = `"${open.order.column}"`;
    const where = position && 'after' in position ? ` WHERE ${key} > ${literal(position.after)}` : '';
    return `SELECT ${items} FROM ${from}${where} ORDER BY ${key} LIMIT ${limit}`;
  }
  if (open.window === null) return `SELECT ${items} FROM ${from}`;
  const hour = position && 'hour' in position ? position.hour : 0;
  return `SELECT ${items} FROM ${from} WHERE hour("${open.window.name}") = ${hour}`;
}
