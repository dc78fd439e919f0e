// The revocation list, $DSBX_HOME/revoked.json: { "jti": [...], "sub": [...] }. Re-read whenever the file
// changes (mtime, size or inode), so revoking takes effect without a restart. A missing file revokes
// nothing; an unreadable or malformed one fails closed (every token is refused until it is fixed).
import fs from 'node:fs';
import { type } from 'arktype';

const RevokedSchema = type({
  'jti?': 'string[]',
  'sub?': 'string[]',
  '+': 'reject',
});

export class RevocationListError extends Error {
  constructor() {
    super('revocation list is not valid');
    this.name = 'RevocationListError';
  }
}

export interface RevocationList {
  /** True when the token id or its subject is revoked. Throws RevocationListError when the file is bad. */
  isRevoked(jti: string, sub: string): boolean;
}

interface Snapshot {
  readonly stamp: string;
  readonly jti: ReadonlySet<string>;
  readonly sub: ReadonlySet<string>;
}

const EMPTY: Snapshot = { stamp: 'missing', jti: new Set(), sub: new Set() };

export function createRevocationList(file: string): RevocationList {
  let current: Snapshot | undefined;

  const load = (): Snapshot => {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw new RevocationListError();
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (current && current.stamp === stamp) return current;
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      throw new RevocationListError();
    }
    const out = RevokedSchema(parsed);
    if (out instanceof type.errors) throw new RevocationListError();
    return { stamp, jti: new Set(out.jti ?? []), sub: new Set(out.sub ?? []) };
  };

  return {
    isRevoked(jti, sub) {
      current = load();
      return current.jti.has(jti) || current.sub.has(sub);
    },
  };
}
