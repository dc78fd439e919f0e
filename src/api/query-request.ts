// The body of POST /v1/query and /v1/query/explain, validated with arktype before anything parses the SQL.
import { type } from 'arktype';

/** DESIGN.md: SQL ≤ 64 KiB, checked before any parsing. Bytes, not characters: Chinese text is 3 bytes a char. */
export const MAX_SQL_BYTES = 64 * 1024;

export const QueryRequestSchema = type({
  sql: 'string > 0',
  purpose: '0 < string <= 500',
  'mode?': "'aggregate' | 'rows'",
  'application?': '0 < string <= 100',
  /**
   * dp datasets: ε of this query, and optionally its contribution bounds (groups per person, rows per person
   * and group). Larger bounds keep more of each person's data and add proportionally more noise.
   */
  'dp?': {
    'epsilon?': '0 < number <= 100',
    'maxGroups?': '1 <= number.integer <= 1000',
    'maxRows?': '1 <= number.integer <= 1000',
    '+': 'reject',
  },
  '+': 'reject',
});

export type QueryRequest = typeof QueryRequestSchema.infer;
