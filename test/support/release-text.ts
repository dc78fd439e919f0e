// A release as comparable text, for tests that run one release two ways (the unit count by rows against
// count(DISTINCT)): its columns, its disclosure and its rows as a multiset (no ORDER BY need hold), with
// fractional numbers to 10 significant digits — two plans sum doubles in different orders, so their last
// bits differ even between two runs of one query.
import type { GateResult } from '../../sandbox/supervisor.ts';

const value = (v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v);

export const releaseText = (r: GateResult): string =>
  JSON.stringify([r.columns, r.disclosure, r.rows.map((row) => JSON.stringify(row.map(value))).sort()]);
