// Signed checkpoints: every N records and at clean shutdown, `{count, head, time}` signed with the
// server's Ed25519 key as a compact JWS, so that a copy of the folder can be checked with the public key.
import { CompactSign, compactVerify, createLocalJWKSet, importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { type } from 'arktype';
import { canonicalJson } from './canonical-hash.ts';

export interface Checkpoint {
  /** Records in the chain when the checkpoint was taken. */
  readonly count: number;
  /** The hash of the record at `count` (the chain's head). */
  readonly head: string;
  readonly time: string;
}

export interface CheckpointSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey | KeyObject;
}

/** A public key, or a JWKS when the server's key has been rotated and old checkpoints use an older key. */
export type VerificationKey = JWK | { readonly keys: readonly JWK[] };

const CHECKPOINT_TYP = 'dsbx-lineage-checkpoint+jws';

const CheckpointSchema = type({
  count: 'number.integer >= 0',
  head: /^[0-9a-f]{64}$/,
  time: 'string.date.iso',
  '+': 'reject',
});
const CheckpointLineSchema = type({
  count: 'number.integer >= 0',
  head: 'string',
  time: 'string',
  jws: 'string',
  '+': 'reject',
});

/** The line appended to checkpoints.ndjson: the checkpoint in clear for people, and the JWS that proves it. */
export async function signCheckpoint(checkpoint: Checkpoint, signer: CheckpointSigner): Promise<string> {
  const payload = new TextEncoder().encode(canonicalJson(checkpoint));
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid, typ: CHECKPOINT_TYP })
    .sign(signer.privateKey);
  return canonicalJson({ ...checkpoint, jws });
}

export type CheckedCheckpoint =
  | { readonly ok: true; readonly checkpoint: Checkpoint }
  /** `count` is what the line claims, when it can be read at all: it says where in the chain the problem is. */
  | { readonly ok: false; readonly count: number | undefined };

type Verifier = Parameters<typeof compactVerify>[1];

/** Turns a JWK or a JWKS into what jose verifies with; a JWKS selects the key by the JWS's `kid`. */
export async function verifierFor(key: VerificationKey): Promise<Verifier> {
  if ('keys' in key) return createLocalJWKSet({ keys: [...key.keys] }) as Verifier;
  return (await importJWK(key, 'EdDSA')) as Verifier;
}

/** Checks one checkpoints.ndjson line: the signature, the header, and that the clear copy says what was signed. */
export async function checkCheckpointLine(line: string, verifier: Verifier): Promise<CheckedCheckpoint> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, count: undefined };
  }
  const outer = CheckpointLineSchema(parsed);
  if (outer instanceof type.errors) return { ok: false, count: undefined };
  try {
    const { payload, protectedHeader } = await compactVerify(outer.jws, verifier, { algorithms: ['EdDSA'] });
    if (protectedHeader.typ !== CHECKPOINT_TYP) return { ok: false, count: outer.count };
    const signed = CheckpointSchema(JSON.parse(new TextDecoder().decode(payload)));
    if (signed instanceof type.errors) return { ok: false, count: outer.count };
    if (signed.count !== outer.count || signed.head !== outer.head || signed.time !== outer.time) {
      return { ok: false, count: Math.min(signed.count, outer.count) };
    }
    return { ok: true, checkpoint: signed };
  } catch {
    return { ok: false, count: outer.count };
  }
}
