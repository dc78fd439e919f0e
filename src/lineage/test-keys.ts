// Ed25519 keys for the lineage tests: generated per run, as the auth module generates the server's key.
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { CheckpointSigner } from './checkpoint.ts';

export interface TestKeys {
  readonly signer: CheckpointSigner;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

export async function generateTestKeys(kid = 'test-lineage-key'): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    signer: { kid, privateKey },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' },
  };
}

/** A log that records nothing, for tests that assert on behaviour rather than on log lines. */
export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
