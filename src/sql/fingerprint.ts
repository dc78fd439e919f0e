// The normalized fingerprint of a query: SHA-256 over the mode and the SQL rendered from the caller's
// (unrewritten) tree, so spacing, comments and keyword case do not change it.
import { createHash } from 'node:crypto';
import type { Mode } from './compiled.ts';

export function fingerprint(mode: Mode, normalizedSql: string): string {
  return createHash('sha256').update(`${mode}\n${normalizedSql}`, 'utf8').digest('hex');
}
