// Forged, expired, misaddressed, unsigned and revoked licenses are refused over HTTP with 401
// UNAUTHENTICATED, and the refusal never echoes the token.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { homePaths } from '../src/config.ts';
import { testService, type TestService } from './support/service.ts';

let t: TestService;
let attacker: { privateKey: CryptoKey; publicKey: CryptoKey };

beforeAll(async () => {
  t = await testService();
  attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
});
afterAll(() => t.cleanup());

const now = () => Math.floor(Date.now() / 1000);

/** A payload exactly like ours, so each case differs from a valid token in one respect only. */
const validPayload = (): JWTPayload => ({
  iss: t.config.issuer,
  aud: t.config.audience,
  sub: 'mallory',
  org: 'evil-corp',
  roles: ['developer'],
  datasets: 'all',
  jti: crypto.randomUUID(),
  iat: now(),
  exp: now() + 3600,
});

const sign = (payload: JWTPayload, header: Record<string, unknown> = {}, key: CryptoKey = t.service.keys.privateKey) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: t.service.keys.kid, ...header }).sign(key);

const unsigned = (payload: JWTPayload, header: Record<string, unknown>) =>
  `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`;

const without = (key: string): JWTPayload => {
  const p = validPayload();
  delete p[key];
  return p;
};

async function expectUnauthenticated(token: string): Promise<void> {
  const res = await t.request('/v1/catalog', { token });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  const text = await res.text();
  expect(JSON.parse(text).error.code).toBe('UNAUTHENTICATED');
  expect(text).not.toContain(token.split('.')[1] || token);
}

describe('a token built exactly like ours', () => {
  it('is accepted (the baseline every refusal below differs from in one respect)', async () => {
    const res = await t.request('/v1/catalog', { token: await sign(validPayload()) });
    expect(res.status).toBe(200);
  });
});

describe('when a token is not what the server issued', () => {
  const cases: { name: string; token: () => Promise<string> }[] = [
    { name: 'signed by another key under our kid (forged signature)', token: () => sign(validPayload(), {}, attacker.privateKey) },
    {
      name: 'with a signature from a different token spliced in',
      token: async () => {
        const a = (await sign(validPayload())).split('.');
        const b = (await sign({ ...validPayload(), roles: ['admin'] })).split('.');
        return `${a[0]}.${b[1]}.${a[2]}`;
      },
    },
    { name: 'expired', token: () => sign({ ...validPayload(), iat: now() - 7200, exp: now() - 3600 }) },
    { name: 'issued far in the future', token: () => sign({ ...validPayload(), iat: now() + 3600, exp: now() + 7200 }) },
    { name: 'not yet valid (nbf in the future)', token: () => sign({ ...validPayload(), nbf: now() + 3600 }) },
    { name: 'for another audience', token: () => sign({ ...validPayload(), aud: 'urn:someone:else' }) },
    { name: 'from another issuer', token: () => sign({ ...validPayload(), iss: 'urn:evil:issuer' }) },
    { name: 'with typ JWT instead of at+jwt', token: () => sign(validPayload(), { typ: 'JWT' }) },
    { name: 'with alg none and no signature', token: async () => unsigned(validPayload(), { alg: 'none', typ: 'at+jwt' }) },
    { name: 'with alg None in mixed case', token: async () => unsigned(validPayload(), { alg: 'None', typ: 'at+jwt', kid: t.service.keys.kid }) },
    {
      name: 'HS256-signed with the public key bytes as the HMAC secret',
      token: async () => {
        const x = base64url.decode(t.service.keys.publicJwk.x as string);
        return new SignJWT(validPayload()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: t.service.keys.kid }).sign(x);
      },
    },
    {
      name: 'HS256-signed with the published public JWK text as the HMAC secret',
      token: async () => {
        const secret = new TextEncoder().encode(fs.readFileSync(homePaths(t.home).publicKey, 'utf8'));
        return new SignJWT(validPayload()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(secret);
      },
    },
    {
      name: 'carrying its own key in an embedded jwk header',
      token: async () => sign(validPayload(), { kid: undefined, jwk: await exportJWK(attacker.publicKey) }, attacker.privateKey),
    },
    {
      name: 'carrying an embedded jwk whose kid names the attacker key',
      token: async () => {
        const jwk = await exportJWK(attacker.publicKey);
        return sign(validPayload(), { kid: await calculateJwkThumbprint(jwk), jwk }, attacker.privateKey);
      },
    },
    {
      name: 'pointing at a remote key set with a jku header',
      token: () => sign(validPayload(), { jku: 'http://127.0.0.1:1/jwks.json', kid: 'attacker' }, attacker.privateKey),
    },
    {
      name: 'pointing at a certificate with an x5u header',
      token: () => sign(validPayload(), { x5u: 'http://127.0.0.1:1/cert.pem', kid: undefined }, attacker.privateKey),
    },
    { name: 'without a jti', token: () => sign(without('jti')) },
    { name: 'without an exp', token: () => sign(without('exp')) },
    { name: 'without an iat', token: () => sign(without('iat')) },
    { name: 'without a sub', token: () => sign(without('sub')) },
    { name: 'with a role that does not exist', token: () => sign({ ...validPayload(), roles: ['root'] }) },
    { name: 'with roles as a string instead of a list', token: () => sign({ ...validPayload(), roles: 'admin' }) },
    { name: 'with a jti that is not a UUID', token: () => sign({ ...validPayload(), jti: 'x' }) },
    { name: 'that is not a JWT at all', token: async () => 'not-a-token' },
    { name: 'that is far longer than any token we issue', token: async () => `${await sign(validPayload())}${'A'.repeat(5000)}` },
  ];
  it.each(cases)('refuses a token $name', async ({ token }) => {
    await expectUnauthenticated(await token());
  });
});

describe('when the Authorization header is missing or not a bearer token', () => {
  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'no header', headers: {} },
    { name: 'Basic credentials', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } },
    { name: 'Bearer without a token', headers: { authorization: 'Bearer ' } },
    { name: 'two tokens', headers: { authorization: 'Bearer a.b.c d.e.f' } },
  ])('answers 401 UNAUTHENTICATED for $name', async ({ headers }) => {
    const res = await t.request('/v1/catalog', { headers });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
  });
});

describe('when a license is revoked', () => {
  const revoke = (list: { jti?: string[]; sub?: string[] }) => fs.writeFileSync(homePaths(t.home).revoked, JSON.stringify(list));

  it('refuses a token whose jti is listed, as soon as the file changes, without a restart', async () => {
    const payload = validPayload();
    const token = await sign(payload);
    revoke({ jti: [] });
    expect((await t.request('/v1/catalog', { token })).status).toBe(200);
    revoke({ jti: ['00000000-0000-4000-8000-000000000000', payload.jti as string] });
    await expectUnauthenticated(token);
  });

  it('refuses every token of a listed subject', async () => {
    const token = await t.token('developer', { sub: 'revoked-subject' });
    revoke({ sub: ['revoked-subject'] });
    await expectUnauthenticated(token);
    revoke({});
    expect((await t.request('/v1/catalog', { token })).status).toBe(200);
  });

  it('refuses every token while the revocation file is malformed (fails closed)', async () => {
    const token = await t.token('developer');
    fs.writeFileSync(homePaths(t.home).revoked, '{"jti": "not a list"');
    await expectUnauthenticated(token);
    fs.rmSync(homePaths(t.home).revoked);
    expect((await t.request('/v1/catalog', { token })).status).toBe(200);
  });
});

describe('the server log', () => {
  it('records the reason of each refusal but never a token', () => {
    const text = t.logText();
    expect(text).toContain('token_rejected');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
