// The fingerprint of a release: SHA-256 (hex) of the RFC 8785 canonical JSON of `{ columns, rows }`. The
// lineage record stores it, so a reviewer can prove which bytes left the domain.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { SandboxError } from '../failure.ts';
import type { ReleasedColumn, ReleasedValue } from './types.ts';

/**
 * The rows are arrays of JSON primitives, for which JSON.stringify already is the RFC 8785 form (no
 * whitespace, ECMAScript number serialization, the same string escaping); only the column objects need
 * key sorting. So the rows are streamed into the hash row by row instead of building one huge string with
 * a general canonicalizer (which took seconds on a million rows). `{"columns":…,"rows":…}`: keys sorted.
 */
export function resultSha256(columns: readonly ReleasedColumn[], rows: readonly ReleasedValue[][]): string {
  const cols = canonicalize(columns);
  if (cols === undefined) throw new SandboxError('column_mismatch');
  const h = createHash('sha256').update(`{"columns":${cols},"rows":[`, 'utf8');
  let batch = '';
  for (let i = 0; i < rows.length; i++) {
    batch += (i === 0 ? '' : ',') + JSON.stringify(rows[i]);
    if (batch.length > 1 << 16) {
      h.update(batch, 'utf8');
      batch = '';
    }
  }
  return h.update(`${batch}]}`, 'utf8').digest('hex');
}
