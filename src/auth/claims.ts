// The shape of a license token's claims, checked with arktype after the signature and the registered
// claims have been verified: a validly signed token with a malformed body is still refused.
import { type } from 'arktype';
import { ROLES } from './principal.ts';

/** Printable text without control characters: subjects and organisations end up in logs and lineage. */
const label = /^[^\u0000-\u001f\u007f]{1,128}$/;
const datasetId = /^[a-z][a-z0-9_]{0,63}$/;

export const RoleSchema = type.enumerated(...ROLES);

export const LicenseClaimsSchema = type({
  sub: label,
  org: label,
  roles: RoleSchema.array().atLeastLength(1).atMostLength(ROLES.length),
  datasets: type("'all'").or(type(datasetId).array().atMostLength(64)),
  jti: 'string.uuid',
  exp: 'number.integer',
  iat: 'number.integer',
  '+': 'ignore',
});

export type LicenseClaims = typeof LicenseClaimsSchema.infer;

/** What an issuer asks for; validated with the same rules the verifier applies. */
export const LicenseRequestSchema = type({
  sub: label,
  org: label,
  roles: RoleSchema.array().atLeastLength(1).atMostLength(ROLES.length),
  datasets: type("'all'").or(type(datasetId).array().atMostLength(64)),
  '+': 'reject',
});
