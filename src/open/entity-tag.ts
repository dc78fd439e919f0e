// HTTP validators for pages of unconditionally open tables (RFC 9110 §8.8.3, §13.1.2): a weak entity tag
// over everything that decides a page's rows (the data and catalog versions, the dataset's status, the
// table, where the page starts, its size and encoding). Weak, because two answers with the same rows still
// differ in their lineage id.
import { createHash } from 'node:crypto';

export interface PageIdentity {
  readonly dataVersion: string;
  readonly catalogVersion: string;
  readonly status: string;
  readonly table: string;
  readonly cursor: string | null;
  readonly limit: number;
  readonly format: string;
}

export function pageEntityTag(p: PageIdentity): string {
  const h = createHash('sha256').update(JSON.stringify([p.dataVersion, p.catalogVersion, p.status, p.table, p.cursor, p.limit, p.format]));
  return `W/"${h.digest('base64url').slice(0, 27)}"`;
}

/** If-None-Match with weak comparison: `*`, or any listed tag equal to ours once `W/` is set aside. */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  const opaque = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(tag));
}
