// Signs license tokens: EdDSA JWTs typed `at+jwt` (RFC 9068), issuer and audience from configuration,
// a random jti that lineage records as the license id and revocation names.
import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import { type } from 'arktype';
import type { Config } from '../config.ts';
import type { Role } from './principal.ts';
import { LicenseRequestSchema } from './claims.ts';
import { SIGNING_ALG, type SigningKeys } from './keys.ts';
import { parseTtl } from './ttl.ts';

export const TOKEN_TYPE = 'at+jwt';

export interface LicenseRequest {
  readonly sub: string;
  readonly org: string;
  /** One role, or several; at least one must be given. */
  readonly role?: Role;
  readonly roles?: readonly Role[];
  readonly datasets: readonly string[] | 'all';
  /** A duration like `8h`, or seconds. */
  readonly ttl: string | number;
}

export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  readonly exp: number;
}

export class LicenseRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LicenseRequestError';
  }
}

/** Signs a token for `req`. Refuses (LicenseRequestError) anything the verifier would later refuse. */
export async function issueToken(
  keys: Pick<SigningKeys, 'kid' | 'privateKey'>,
  config: Pick<Config, 'issuer' | 'audience'>,
  req: LicenseRequest,
  now: number = Math.floor(Date.now() / 1000),
): Promise<IssuedToken> {
  const roles = [...new Set([...(req.role ? [req.role] : []), ...(req.roles ?? [])])];
  const checked = LicenseRequestSchema({ sub: req.sub, org: req.org, roles, datasets: req.datasets === 'all' ? 'all' : [...req.datasets] });
  if (checked instanceof type.errors) throw new LicenseRequestError(`license request: ${checked.summary}`);
  let ttl: number;
  try {
    ttl = typeof req.ttl === 'number' ? req.ttl : parseTtl(req.ttl);
  } catch (e) {
    throw new LicenseRequestError((e as Error).message);
  }
  if (!Number.isInteger(ttl) || ttl <= 0) throw new LicenseRequestError('ttl: must be a positive number of seconds');
  const jti = crypto.randomUUID();
  const exp = now + ttl;
  const token = await new SignJWT({ org: checked.org, roles: checked.roles, datasets: checked.datasets })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: TOKEN_TYPE, kid: keys.kid })
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setSubject(checked.sub)
    .setJti(jti)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(keys.privateKey);
  return { token, jti, exp };
}
