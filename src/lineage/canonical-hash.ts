// RFC 8785 canonical JSON and SHA-256: how a record gets its hash and its line, and how a line's hash is
// recomputed quickly when a log of a million records is verified.
import { createHash, hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type } from 'arktype';
import { AppError } from '../errors.ts';
import { LineageRecordSchema, UnsealedRecordSchema, type LineageRecord, type UnsealedRecord } from './record.ts';

/** RFC 8785 (JSON Canonicalization Scheme): sorted keys, ES number formatting, minimal escaping. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new AppError('INTERNAL', 'A lineage value cannot be serialized.');
  return text;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export interface SealedRecord {
  readonly record: LineageRecord;
  /** The canonical JSON of the whole record (hash included), without the newline. */
  readonly line: string;
}

/**
 * Validates a record and computes its hash: SHA-256 over the canonical JSON of the record without `hash`.
 * Validation runs on the canonical round trip, so that what is hashed is exactly what a reader will see
 * (undefined members dropped, a non-finite number refused rather than silently turned into null).
 */
export function sealRecord(unsealed: UnsealedRecord): SealedRecord {
  let body: string;
  try {
    body = canonicalJson(unsealed);
  } catch {
    body = canonicalJson(wellFormed(unsealed));
  }
  const parsed: unknown = JSON.parse(body);
  if (!UnsealedRecordSchema.allows(parsed)) {
    const errors = UnsealedRecordSchema(parsed) as InstanceType<typeof type.errors>;
    throw new AppError('INTERNAL', 'The lineage record does not match its schema.', { fields: fieldsOf(errors) });
  }
  const checked = parsed as UnsealedRecord;
  const hash = sha256Hex(body);
  // Canonical key order puts `hash` right before `id`, and the schema allows no nested `id` key with a string
  // value, so inserting the member there gives the canonical JSON of the whole record without a second pass.
  const at = body.indexOf('"id":"');
  const line = `${body.slice(0, at)}"hash":"${hash}",${body.slice(at)}`;
  if (at < 0 || readLineFields(Buffer.from(line))?.computedHash !== hash) {
    throw new AppError('INTERNAL', 'The lineage record could not be sealed.');
  }
  return { record: { ...checked, hash }, line };
}

/** ES2024, present in Node 20; the project's TypeScript lib is ES2022. */
type WellFormable = string & { toWellFormed(): string };
/**
 * RFC 8785 cannot represent a lone UTF-16 surrogate (canonicalize throws), and SQL "as sent" is
 * attacker-controlled: such a character is recorded as U+FFFD rather than making the attempt unrecordable.
 * The same pass turns a non-finite number into null, which the schema then refuses by name.
 */
const wellFormed = (value: UnsealedRecord): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? (v as WellFormable).toWellFormed() : v)));

/** The schema paths that failed, never the values (they may be attacker-supplied SQL or names). */
const fieldsOf = (errors: InstanceType<typeof type.errors>): string[] => [...new Set(errors.map((e) => e.propString))];

/** Parses and validates one stored line; undefined when it is not a well-formed record. */
export function parseRecordLine(line: string | Uint8Array): LineageRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof line === 'string' ? line : Buffer.from(line).toString('utf8'));
  } catch {
    return undefined;
  }
  // `allows` skips building error messages; the schema has no morphs, so the value is returned as read.
  return LineageRecordSchema.allows(value) ? (value as LineageRecord) : undefined;
}

const HASH_MEMBER = Buffer.from('"hash":"');
/** `"hash":"` + 64 hex digits + `",` */
const HASH_MEMBER_LENGTH = HASH_MEMBER.length + 64 + 2;
const ID_KEY = Buffer.from('"id":"');
const PREV_KEY = Buffer.from('"prev":"');
const SEQ_KEY = Buffer.from('"seq":');
const HEX64 = /^[0-9a-f]{64}$/;

/** What verification needs from a stored line, read from its bytes without parsing the whole record. */
export interface LineFields {
  /** The hash the line carries. */
  readonly declaredHash: string;
  /** SHA-256 of the line's bytes with the hash member cut out. */
  readonly computedHash: string;
  readonly prev: string;
  readonly seq: number;
  readonly id: string;
}

/**
 * Reads a stored line's chain fields and recomputes its hash from its bytes, fast enough to verify a million
 * records in seconds. For a line the store wrote, the line with its `"hash":"…",` member cut out is exactly
 * the canonical JSON the hash was computed over (keys are sorted; `hash` is never last, `id` follows it).
 * A quote inside a JSON string is always escaped, so no key pattern here can be imitated from inside a
 * value; the only object with free-form keys (budgetAfter, numbers only) sorts before `hash`, `id`, `prev`
 * and `seq`, which is why `prev` and `seq` are looked up from the end.
 * The check is on bytes, stricter than on meaning: a line re-serialized differently no longer matches.
 * Fields read from a line that does not hash to its own hash are never trusted: the walk stops there.
 * Returns undefined when the line does not have the shape of a stored record.
 */
export function readLineFields(line: Uint8Array): LineFields | undefined {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  const hashAt = buf.indexOf(HASH_MEMBER);
  if (hashAt < 0 || hashAt + HASH_MEMBER_LENGTH > buf.length) return undefined;
  if (buf[hashAt + HASH_MEMBER_LENGTH - 2] !== 0x22 || buf[hashAt + HASH_MEMBER_LENGTH - 1] !== 0x2c) return undefined;
  const declaredHash = buf.toString('latin1', hashAt + HASH_MEMBER.length, hashAt + HASH_MEMBER.length + 64);
  const computedHash = createHash('sha256')
    .update(buf.subarray(0, hashAt))
    .update(buf.subarray(hashAt + HASH_MEMBER_LENGTH))
    .digest('hex');

  const prevAt = buf.lastIndexOf(PREV_KEY);
  if (prevAt < 0 || buf[prevAt + PREV_KEY.length + 64] !== 0x22) return undefined;
  const prev = buf.toString('latin1', prevAt + PREV_KEY.length, prevAt + PREV_KEY.length + 64);

  const seqAt = buf.lastIndexOf(SEQ_KEY);
  if (seqAt < 0) return undefined;
  let seq = 0;
  let digits = 0;
  for (let i = seqAt + SEQ_KEY.length; i < buf.length && digits < 16; i++, digits++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
  }
  if (digits === 0) return undefined;

  const idAt = buf.indexOf(ID_KEY, hashAt);
  const idEnd = idAt < 0 ? -1 : buf.indexOf(0x22, idAt + ID_KEY.length);
  if (idEnd < 0 || idEnd - idAt > 64) return undefined;
  const id = buf.toString('latin1', idAt + ID_KEY.length, idEnd);

  if (!HEX64.test(declaredHash) || !HEX64.test(prev)) return undefined;
  return { declaredHash, computedHash, prev, seq, id };
}

/** The line with its hash member cut out is copied here, so that one-shot crypto.hash sees one buffer. */
let hashInput = Buffer.allocUnsafe(64 * 1024);

/**
 * The fast form of "readLineFields(line) gives fields whose computedHash equals declaredHash, whose seq is
 * `position` and whose prev equals `prev` (64 hex bytes)": the same members found by the same rules (first
 * `"hash":"`, `"id":"` right after it, last `"prev":"`, last `"seq":`), compared as bytes, with no strings
 * other than the digest, no regular expressions and no per-record objects. Returns the offset of the declared hash's 64 hex digits in the line,
 * or -1 whenever any check does not pass; the caller then asks readLineFields what is wrong, so the fast path
 * only ever accepts, and every refusal is decided by the one full reading.
 */
export function linkOffset(line: Buffer, position: number, prev: Uint8Array): number {
  const length = line.length;
  const hashAt = line.indexOf(HASH_MEMBER);
  if (hashAt < 0 || hashAt + HASH_MEMBER_LENGTH > length) return -1;
  if (line[hashAt + HASH_MEMBER_LENGTH - 2] !== 0x22 || line[hashAt + HASH_MEMBER_LENGTH - 1] !== 0x2c) return -1;
  const declaredAt = hashAt + HASH_MEMBER.length;

  // readLineFields takes the first `"id":"` at or after the hash member; the member itself (quotes, colon, 64
  // lowercase hex digits, both checked below through the digest) cannot hold one, so it must start right after.
  const idAt = hashAt + HASH_MEMBER_LENGTH;
  if (!startsWith(line, idAt, ID_KEY)) return -1;
  let idEnd = -1;
  for (let i = idAt + ID_KEY.length, end = Math.min(length, idAt + 65); i < end; i++) {
    if (line[i] === 0x22) {
      idEnd = i;
      break;
    }
  }
  if (idEnd < 0) return -1;

  const prevAt = line.lastIndexOf(PREV_KEY);
  if (prevAt < 0 || line[prevAt + PREV_KEY.length + 64] !== 0x22) return -1;
  for (let i = 0, at = prevAt + PREV_KEY.length; i < 64; i++) if (line[at + i] !== prev[i]) return -1;

  const seqAt = line.lastIndexOf(SEQ_KEY);
  if (seqAt < 0) return -1;
  let seq = 0;
  let digits = 0;
  for (let i = seqAt + SEQ_KEY.length; i < length && digits < 16; i++, digits++) {
    const c = line[i]!;
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
  }
  if (digits === 0 || seq !== position) return -1;

  const bodyLength = length - HASH_MEMBER_LENGTH;
  if (hashInput.length < bodyLength) hashInput = Buffer.allocUnsafe(bodyLength * 2);
  hashInput.set(line.subarray(0, hashAt), 0);
  hashInput.set(line.subarray(hashAt + HASH_MEMBER_LENGTH), hashAt);
  // The digest in hex is lowercase hex, so equality also proves the declared hash is well formed.
  const digest = hash('sha256', hashInput.subarray(0, bodyLength), 'hex');
  for (let i = 0; i < 64; i++) if (line[declaredAt + i] !== digest.charCodeAt(i)) return -1;
  return declaredAt;
}

function startsWith(line: Uint8Array, at: number, key: Uint8Array): boolean {
  if (at + key.length > line.length) return false;
  for (let j = 0; j < key.length; j++) if (line[at + j] !== key[j]) return false;
  return true;
}
