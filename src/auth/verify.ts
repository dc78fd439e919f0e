// Verifies license tokens. Everything about the token is attacker-controlled, so the checks are pinned:
// algorithm EdDSA only, issuer, audience and typ fixed, exp/iat/jti/sub required, and the key taken only
// from our own key set — jku, jwk and x5u headers are never followed. Any failure is one generic
// UNAUTHENTICATED error; the reason goes to the server log only, and never the token itself. A token
// verified once is remembered for a short while (verified-token-cache.ts) so the signature is not checked
// on every request; the revocation list is consulted on every request all the same.
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { type } from 'arktype';
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { Principal } from './principal.ts';
import { LicenseClaimsSchema } from './claims.ts';
import { SIGNING_ALG } from './keys.ts';
import { TOKEN_TYPE } from './issue.ts';
import { RevocationListError, type RevocationList } from './revocation.ts';
import { createVerifiedTokenCache, type VerifiedTokenCache } from './verified-token-cache.ts';

/** Longer than any token we issue; refusing early bounds the work an attacker can cause. */
export const MAX_TOKEN_LENGTH = 4096;
export const CLOCK_TOLERANCE_SECONDS = 30;

export type RejectReason =
  | 'malformed'
  | 'too_long'
  | 'signature'
  | 'expired'
  | 'claim'
  | 'issued_in_future'
  | 'claims_shape'
  | 'revoked'
  | 'revocation_list_unreadable';

export interface TokenVerifier {
  /** Returns the caller's Principal, or throws AppError UNAUTHENTICATED. */
  verify(token: string): Promise<Principal>;
}

export interface TokenVerifierOptions {
  /** Our own public keys (never fetched from anywhere the token names). */
  readonly jwks: { readonly keys: readonly object[] };
  readonly config: Pick<Config, 'issuer' | 'audience'>;
  readonly revocation: RevocationList;
  /** Told why a token was refused, for the server log. Never given the token. */
  readonly onReject?: (reason: RejectReason) => void;
  /** Seconds since the epoch; for tests of expiry. */
  readonly now?: () => number;
  /** Tokens already verified (default: a new bounded cache); `false` verifies every token in full. */
  readonly cache?: VerifiedTokenCache | false;
}

export const unauthenticated = (): AppError => new AppError('UNAUTHENTICATED', 'missing, invalid, expired or revoked credentials');

function reasonOf(e: unknown): RejectReason {
  if (e instanceof joseErrors.JWTExpired) return 'expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return 'claim';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JOSEAlgNotAllowed) return 'signature';
  return 'malformed';
}

export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const keySet = createLocalJWKSet({ keys: opts.jwks.keys.map((k) => ({ ...k })) } as JSONWebKeySet);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const cache = opts.cache === false ? undefined : (opts.cache ?? createVerifiedTokenCache());
  const reject = (reason: RejectReason): never => {
    opts.onReject?.(reason);
    throw unauthenticated();
  };
  /** Checked on every request, cached or not, so that revoking takes effect on the next request. */
  const refuseIfRevoked = (p: Principal): void => {
    try {
      if (opts.revocation.isRevoked(p.jti, p.sub)) reject('revoked');
    } catch (e) {
      if (e instanceof RevocationListError) reject('revocation_list_unreadable');
      throw e;
    }
  };

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0) return reject('malformed');
      if (token.length > MAX_TOKEN_LENGTH) return reject('too_long');
      const remembered = cache?.get(token, now());
      if (remembered !== undefined) {
        refuseIfRevoked(remembered);
        return remembered;
      }
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: [SIGNING_ALG],
          issuer: opts.config.issuer,
          audience: opts.config.audience,
          typ: TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'jti', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now() * 1000),
        }));
      } catch (e) {
        return reject(reasonOf(e));
      }
      const claims = LicenseClaimsSchema(payload);
      if (claims instanceof type.errors) return reject('claims_shape');
      // jose accepts any iat; a token "issued" in the future was not issued by this clock.
      if (claims.iat > now() + CLOCK_TOLERANCE_SECONDS) return reject('issued_in_future');
      // Frozen: the same object is handed to every request that presents this token while it is cached.
      const principal: Principal = Object.freeze({
        sub: claims.sub,
        org: claims.org,
        roles: Object.freeze([...claims.roles]),
        datasets: claims.datasets === 'all' ? 'all' : Object.freeze([...claims.datasets]),
        jti: claims.jti,
        exp: claims.exp,
      });
      refuseIfRevoked(principal);
      cache?.set(token, principal, now());
      return principal;
    },
  };
}

/** One-off verification; a service should hold one verifier (createTokenVerifier) instead. */
export const verifyToken = (token: string, opts: TokenVerifierOptions): Promise<Principal> => createTokenVerifier(opts).verify(token);
