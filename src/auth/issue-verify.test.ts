// A token issued by issueToken verifies to the Principal it was issued for; the verifier's refusals
// carry a reason for the log and one generic error for the caller; a remembered token is still refused
// as soon as it is revoked or expires.
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
import { createVerifiedTokenCache, type VerifiedTokenCache } from './verified-token-cache.ts';

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

describe('the verifier with its cache of verified tokens', () => {
  const revokedFile = () => path.join(home, 'revoked-cached.json');
  const cachedVerifier = (cache: VerifiedTokenCache) =>
    createTokenVerifier({
      jwks: keys.jwks,
      config,
      revocation: createRevocationList(revokedFile()),
      onReject: (r) => reasons.push(r),
      now: () => clock,
      cache,
    });
  const issue = (sub: string, ttl = 3600) => issueToken(keys, config, { sub, org: 'o', role: 'developer', datasets: ['population'], ttl }, clock);

  it('remembers a verified token and answers the same frozen Principal for it', async () => {
    const cache = createVerifiedTokenCache();
    const v = cachedVerifier(cache);
    const { token } = await issue('cached-1');
    const first = await v.verify(token);
    expect(cache.size).toBe(1);
    expect(await v.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.roles)).toBe(true);
  });

  it('refuses a remembered token on the very next request once its jti is revoked', async () => {
    const v = cachedVerifier(createVerifiedTokenCache());
    const { token, jti } = await issue('cached-2');
    await v.verify(token);
    fs.writeFileSync(revokedFile(), JSON.stringify({ jti: [jti] }));
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('revoked');
    fs.rmSync(revokedFile());
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'cached-2' });
  });

  it('refuses a remembered token once its subject is revoked, and while the revocation list is unreadable', async () => {
    const v = cachedVerifier(createVerifiedTokenCache());
    const { token } = await issue('cached-3');
    await v.verify(token);
    fs.writeFileSync(revokedFile(), JSON.stringify({ sub: ['cached-3'] }));
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('revoked');
    fs.writeFileSync(revokedFile(), '{"sub": [');
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('revocation_list_unreadable');
    fs.rmSync(revokedFile());
  });

  it('does not accept a remembered token past its expiry and clock tolerance', async () => {
    const cache = createVerifiedTokenCache({ maxAgeSeconds: 3600 });
    const v = cachedVerifier(cache);
    const { token } = await issue('cached-4', 60);
    await v.verify(token);
    expect(cache.size).toBe(1);
    const saved = clock;
    clock = saved + 60 + 31;
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('expired');
    clock = saved;
  });

  it('remembers nothing about refused tokens', async () => {
    const cache = createVerifiedTokenCache();
    const v = cachedVerifier(cache);
    const { token } = await issue('cached-5');
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    await expect(v.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(v.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(reasons.at(-1)).toBe('signature');
    expect(cache.size).toBe(0);
  });
});
