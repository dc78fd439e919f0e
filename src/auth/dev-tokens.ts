// Demo licenses for a laptop: one token per role in $DSBX_HOME/dev-tokens.json (mode 0600), written on
// start outside production. Developer and researcher tokens grant every dataset; the others grant none
// directly (they review, steward or administer rather than query).
import type { Config } from '../config.ts';
import { homePaths } from '../config.ts';
import { ROLES, type Role } from './principal.ts';
import { issueToken } from './issue.ts';
import type { SigningKeys } from './keys.ts';
import { writePrivateFile } from './private-file.ts';

export const DEV_TOKEN_TTL = '7d';
export const DEV_ORG = 'dsbx-demo';

const GRANTS_ALL: ReadonlySet<Role> = new Set(['developer', 'researcher']);

/** Issues one token per role and writes them to dev-tokens.json; returns the file's path. */
export async function writeDevTokens(
  keys: Pick<SigningKeys, 'kid' | 'privateKey'>,
  config: Pick<Config, 'home' | 'issuer' | 'audience'>,
): Promise<string> {
  const tokens: Record<string, string> = {};
  for (const role of ROLES) {
    const { token } = await issueToken(keys, config, {
      sub: `dev-${role}`,
      org: DEV_ORG,
      role,
      datasets: GRANTS_ALL.has(role) ? 'all' : [],
      ttl: DEV_TOKEN_TTL,
    });
    tokens[role] = token;
  }
  const file = homePaths(config.home).devTokens;
  writePrivateFile(file, `${JSON.stringify(tokens, null, 2)}\n`, false);
  return file;
}
