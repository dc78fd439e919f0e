// A token issued by issueToken verifies to the Principal it was issued for; the verifier's refusals
// carry a reason for the log and one generic error for the caller.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { AppError } from '../errors.ts';
import { loadOrCreateSigningKeys, type SigningKeys } from './keys.ts';
import { issueToken, LicenseRequestError } from './issue.ts';
import { createRevocationList } from './revocation.ts';
import { createTokenVerifier, type RejectReason } from './verify.ts';

const config = { issuer: 'urn:test:issuer', audience: 'urn:test:api' };
let home: string;
let keys: SigningKeys;
const reasons: RejectReason[] = [];
let clock = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-verify-'));
  keys = await loadOrCreateSigningKeys(home);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const verifier = () =>
  createTokenVerifier({
    jwks: keys.jwks,
    config,
    revocation: createRevocationList(path.join(home, 'revoked.json')),
    onReject: (r) => reasons.push(r),
    now: () => clock,
  });

describe('issueToken', () => {
  it('signs an EdDSA at+jwt with our kid, issuer, audience, jti, iat, exp and the license claims', async () => {
    const { token, jti, exp } = await issueToken(keys, config, { sub: 'alice', org: '齐齐哈尔大学', role: 'researcher', datasets: ['health'], ttl: '8h' }, 1000);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: keys.kid });
    expect(decodeJwt(token)).toEqual({
      iss: config.issuer,
      aud: config.audience,
      sub: 'alice',
      org: '齐齐哈尔大学',
      roles: ['researcher'],
      datasets: ['health'],
      jti,
      iat: 1000,
      exp: 1000 + 8 * 3600,
    });
    expect(exp).toBe(1000 + 8 * 3600);
  });

  it.each([
    { name: 'no role', req: { sub: 'a', org: 'o', datasets: [], ttl: '1h' } },
    { name: 'an unknown role', req: { sub: 'a', org: 'o', roles: ['root'], datasets: [], ttl: '1h' } },
    { name: 'an empty subject', req: { sub: '', org: 'o', role: 'developer', datasets: [], ttl: '1h' } },
    { name: 'a control character in the organisation', req: { sub: 'a', org: 'o\n{"level":"info"}', role: 'developer', datasets: [], ttl: '1h' } },
    { name: 'a malformed dataset id', req: { sub: 'a', org: 'o', role: 'developer', datasets: ['Population; DROP'], ttl: '1h' } },
    { name: 'a bad ttl', req: { sub: 'a', org: 'o', role: 'developer', datasets: [], ttl: 'forever' } },
  ])('refuses a request with $name', async ({ req }) => {
    await expect(issueToken(keys, config, req as never)).rejects.toBeInstanceOf(LicenseRequestError);
  });
});

describe('verifyToken', () => {
  it('returns the Principal the token was issued for', async () => {
    const { token, jti, exp } = await issueToken(keys, config, { sub: 'bob', org: 'acme', roles: ['developer', 'reviewer'], datasets: 'all', ttl: 3600 }, clock);
    expect(await verifier().verify(token)).toEqual({ sub: 'bob', org: 'acme', roles: ['developer', 'reviewer'], datasets: 'all', jti, exp });
  });

  it('accepts a token within the clock tolerance after expiry, and refuses it after', async () => {
    const { token } = await issueToken(keys, config, { sub: 'c', org: 'o', role: 'developer', datasets: [], ttl: 60 }, clock);
    const v = verifier();
    const saved = clock;
    clock = saved + 60 + 10;
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'c' });
    clock = saved + 60 + 31;
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('expired');
    clock = saved;
  });

  it('refuses a token for another audience with a generic error whose message does not contain the token', async () => {
    const { token } = await issueToken(keys, { ...config, audience: 'urn:other' }, { sub: 'd', org: 'o', role: 'developer', datasets: [], ttl: 60 }, clock);
    const err = await verifier().verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify((err as AppError).toBody())).not.toContain(token.slice(0, 20));
    expect(reasons.at(-1)).toBe('claim');
  });
});
