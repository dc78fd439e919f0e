// The fingerprint of a release: SHA-256 (hex) of the RFC 8785 canonical JSON of `{ columns, rows }`. The
// lineage record stores it, so a reviewer can prove which bytes left the domain.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ReleasedColumn, ReleasedValue } from './types.ts';

export function resultSha256(columns: readonly ReleasedColumn[], rows: readonly ReleasedValue[][]): string {
  const text = canonicalize({ columns, rows });
  if (text === undefined) throw new Error('result is not canonicalizable');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
