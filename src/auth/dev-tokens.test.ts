// Demo tokens: one per role in dev-tokens.json (0600), each verifying, developer and researcher granting
// every dataset.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../config.ts';
import { writeDevTokens } from './dev-tokens.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './keys.ts';
import { ROLES } from './principal.ts';
import { createRevocationList } from './revocation.ts';
import { createTokenVerifier } from './verify.ts';

const config = { issuer: 'urn:test:issuer', audience: 'urn:test:api' };
let home: string;
let keys: SigningKeys;
beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-devtokens-'));
  keys = await loadOrCreateSigningKeys(home);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('writeDevTokens', () => {
  it('writes one verifying token per role to dev-tokens.json with mode 0600', async () => {
    const file = await writeDevTokens(keys, { home, ...config });
    expect(file).toBe(homePaths(home).devTokens);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const tokens = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(tokens).sort()).toEqual([...ROLES].sort());
    const verifier = createTokenVerifier({ jwks: keys.jwks, config, revocation: createRevocationList(homePaths(home).revoked) });
    for (const role of ROLES) {
      const p = await verifier.verify(tokens[role] as string);
      expect(p.roles).toEqual([role]);
      expect(p.datasets).toEqual(role === 'developer' || role === 'researcher' ? 'all' : []);
    }
  });
});
