// The exact release of only the groups a unit count by rows left undecided (src/sql/unit-row-bounds.ts):
// the compiled query with count(DISTINCT unit), its ORDER BY, LIMIT and OFFSET left out, each group's hash
// of its key outputs appended, filtered on that hash:
//   SELECT * FROM (<exact release, hashing its groups>) AS __dsbx_refine WHERE __dsbx_group IN ($1, …, $n)
// DuckDB pushes the filter below the aggregation (the hash is a function of the group keys), so only the
// rows of those groups are counted: on 5M trips, 30 undecided groups of 82 cost ~0.1 s instead of ~0.9 s.
// The executor appends the parameter list and binds the hashes the count(*) answer gave it — placeholders
// only, never a value in the text — and takes the answer only when every hash it asked for comes back as
// exactly one group (sandbox/executor/unit-count-by-rows.ts).
import type { Json } from './duckdb-json.ts';
import type { PlanResult, SqlCompiler } from './compiler.ts';
import { GROUP_HELPER } from '../policy/rewrite.ts';

const ALIAS = '__dsbx_refine';

/** The text before the parameter list, for a rendered exact release that hashes its groups. */
export const beforeHashes = (exactSql: string): string => `SELECT * FROM (${exactSql}) AS ${ALIAS} WHERE ${GROUP_HELPER} IN `;

/** One placeholder per hash: `($1, $2, …)`. */
export const hashParameters = (n: number): string => `(${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')})`;

/**
 * Renders the exact release that hashes its groups and checks the filtered query's bound plan (with one
 * placeholder) like any other; null when it cannot be rendered or does not pass, and the release then
 * has no refinement (count(*) answers, or the whole exact query runs).
 */
export async function undecidedGroupsQuery(
  compiler: SqlCompiler,
  exactHashingGroups: Json,
  passes: (plan: PlanResult) => boolean,
): Promise<{ readonly sqlBeforeHashes: string } | null> {
  const [exactSql] = await compiler.deserialize([exactHashingGroups]);
  if (!exactSql) return null;
  const sqlBeforeHashes = beforeHashes(exactSql);
  return passes(await compiler.plan(`${sqlBeforeHashes}${hashParameters(1)}`)) ? { sqlBeforeHashes } : null;
}
