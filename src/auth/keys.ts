// The server's Ed25519 signing key pair: created on first start under $DSBX_HOME/keys/ as JWK files, then
// loaded. It signs license tokens and lineage checkpoints; the public half is published as the JWKS.
import fs from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { type } from 'arktype';
import { homePaths } from '../config.ts';
import { ensurePrivateDir, readPrivateFile, writePrivateFile } from './private-file.ts';

export const SIGNING_ALG = 'EdDSA';

/** What the rest of the service holds of the key pair. `publicJwk` carries kid, alg and use. */
export interface SigningKeys {
  /** RFC 7638 JWK thumbprint (SHA-256) of the public key. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: Readonly<JWK>;
  /** The public key set served at /.well-known/jwks.json; never contains private parts. */
  readonly jwks: { readonly keys: readonly Readonly<JWK>[] };
}

/** The private JWK file's shape: only an Ed25519 OKP key is accepted. */
const PrivateJwkSchema = type({ kty: "'OKP'", crv: "'Ed25519'", x: 'string > 0', d: 'string > 0', '+': 'ignore' });

export class KeyFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'KeyFileError';
  }
}

function publicPart(jwk: { kty: string; crv: string; x: string }): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function fromPrivateJwk(privateJwk: JWK): Promise<SigningKeys> {
  const pub = publicPart(privateJwk as { kty: string; crv: string; x: string });
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const publicJwk: JWK = { ...pub, kid, alg: SIGNING_ALG, use: 'sig' };
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const publicKey = (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey;
  return { kid, privateKey, publicKey, publicJwk, jwks: { keys: [publicJwk] } };
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  return exportJWK(privateKey);
}

/**
 * Loads the signing keys from $DSBX_HOME/keys/, creating them on first start (dir 0700, private key 0600).
 * The public JWK file is rewritten from the private key so the two can never disagree.
 */
export async function loadOrCreateSigningKeys(home: string): Promise<SigningKeys> {
  const paths = homePaths(home);
  ensurePrivateDir(paths.keys);
  if (!fs.existsSync(paths.privateKey)) {
    const jwk = await generatePrivateJwk();
    const kid = await calculateJwkThumbprint(publicPart(jwk as { kty: string; crv: string; x: string }), 'sha256');
    // If another process won the race, its key is kept and loaded below.
    writePrivateFile(paths.privateKey, `${JSON.stringify({ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }, null, 2)}\n`, true);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readPrivateFile(paths.privateKey).toString('utf8'));
  } catch {
    throw new KeyFileError(paths.privateKey, 'not a JSON Web Key');
  }
  const checked = PrivateJwkSchema(parsed);
  if (checked instanceof type.errors) throw new KeyFileError(paths.privateKey, 'not an Ed25519 private JWK');
  const keys = await fromPrivateJwk(checked as JWK);
  const publicText = `${JSON.stringify(keys.publicJwk, null, 2)}\n`;
  const current = fs.existsSync(paths.publicKey) ? fs.readFileSync(paths.publicKey, 'utf8') : undefined;
  if (current !== publicText) {
    fs.writeFileSync(paths.publicKey, publicText, { mode: 0o644 });
  }
  return keys;
}
