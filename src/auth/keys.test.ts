// The signing key pair and the server secret are created once, kept private on disk, and reused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint } from 'jose';
import { homePaths } from '../config.ts';
import { KeyFileError, loadOrCreateSigningKeys } from './keys.ts';
import { loadOrCreateServerSecret, SERVER_SECRET_BYTES } from './server-secret.ts';

const homes: string[] = [];
const freshHome = () => {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-keys-'));
  homes.push(h);
  return h;
};
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});
const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('on first start', () => {
  it('creates an Ed25519 key pair as JWK files: private 0600 in a 0700 directory', async () => {
    const home = freshHome();
    await loadOrCreateSigningKeys(home);
    const p = homePaths(home);
    expect(mode(p.keys)).toBe(0o700);
    expect(mode(p.privateKey)).toBe(0o600);
    const priv = JSON.parse(fs.readFileSync(p.privateKey, 'utf8'));
    expect(priv).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(typeof priv.d).toBe('string');
    expect(fs.readdirSync(p.keys).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the key by its RFC 7638 thumbprint and publishes no private part', async () => {
    const keys = await loadOrCreateSigningKeys(freshHome());
    const { kty, crv, x } = keys.publicJwk;
    expect(keys.kid).toBe(await calculateJwkThumbprint({ kty, crv, x } as never, 'sha256'));
    expect(keys.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x, kid: keys.kid, alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(keys.jwks)).not.toContain('"d"');
  });

  it('creates a 32-byte server secret with mode 0600', () => {
    const home = freshHome();
    const secret = loadOrCreateServerSecret(home);
    expect(secret.length).toBe(SERVER_SECRET_BYTES);
    expect(mode(homePaths(home).serverSecret)).toBe(0o600);
  });
});

describe('on later starts', () => {
  it('loads the same key pair and the same server secret', async () => {
    const home = freshHome();
    const first = await loadOrCreateSigningKeys(home);
    const secret = loadOrCreateServerSecret(home);
    const second = await loadOrCreateSigningKeys(home);
    expect(second.kid).toBe(first.kid);
    expect(loadOrCreateServerSecret(home).equals(secret)).toBe(true);
  });

  it('keeps one key when two starts race', async () => {
    const home = freshHome();
    const [a, b] = await Promise.all([loadOrCreateSigningKeys(home), loadOrCreateSigningKeys(home)]);
    expect(a.kid).toBe(b.kid);
  });

  it('tightens a private key file someone made readable to others', async () => {
    const home = freshHome();
    await loadOrCreateSigningKeys(home);
    fs.chmodSync(homePaths(home).privateKey, 0o644);
    await loadOrCreateSigningKeys(home);
    expect(mode(homePaths(home).privateKey)).toBe(0o600);
  });

  it('rewrites a tampered public key file from the private key', async () => {
    const home = freshHome();
    const keys = await loadOrCreateSigningKeys(home);
    fs.writeFileSync(homePaths(home).publicKey, '{"kty":"OKP","crv":"Ed25519","x":"AAAA"}');
    await loadOrCreateSigningKeys(home);
    expect(JSON.parse(fs.readFileSync(homePaths(home).publicKey, 'utf8')).x).toBe(keys.publicJwk.x);
  });

  it('refuses to start with a private key file that is not an Ed25519 JWK', async () => {
    const home = freshHome();
    await loadOrCreateSigningKeys(home);
    fs.writeFileSync(homePaths(home).privateKey, '{"kty":"oct","k":"c2VjcmV0"}');
    await expect(loadOrCreateSigningKeys(home)).rejects.toBeInstanceOf(KeyFileError);
  });

  it('refuses to start with a server secret of the wrong size', () => {
    const home = freshHome();
    loadOrCreateServerSecret(home);
    fs.writeFileSync(homePaths(home).serverSecret, 'short');
    expect(() => loadOrCreateServerSecret(home)).toThrow(KeyFileError);
  });
});
