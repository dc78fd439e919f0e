// /.well-known/jwks.json publishes the public signing key — enough for anyone to verify our tokens and
// lineage checkpoints, and nothing private.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { testService, type TestService } from '../../../test/support/service.ts';
import { createApp } from '../app.ts';

let t: TestService;
beforeAll(async () => {
  t = await testService();
});
afterAll(() => t.cleanup());

describe('GET /.well-known/jwks.json', () => {
  it('publishes one Ed25519 key under our kid, without any private member', async () => {
    const res = await t.request('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { keys: Record<string, string>[] };
    expect(body.keys).toHaveLength(1);
    expect(Object.keys(body.keys[0] ?? {}).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: t.service.keys.kid, alg: 'EdDSA', use: 'sig' });
  });

  it('lets a third party verify a token the service issued', async () => {
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await jwtVerify(await t.token('reviewer'), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
    expect(payload.sub).toBe('test-reviewer');
  });

  it('strips a private member even if one reached the key set by mistake', async () => {
    const leakyKeys = { keys: [{ ...t.service.keys.publicJwk, d: 'private-part' }] };
    const app = createApp({ ...t.service.deps, jwks: leakyKeys as never });
    const text = await (await app.request('/.well-known/jwks.json')).text();
    expect(text).not.toContain('private-part');
    expect(text).not.toContain('"d"');
  });
});
