// Hashing: the record hash is SHA-256 over the RFC 8785 canonical JSON of the record without `hash`,
// and the fast byte-level recomputation used by verification agrees with it.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { linkOffset, readLineFields, sealRecord } from './canonical-hash.ts';
import { GENESIS_HASH, type UnsealedRecord } from './record.ts';
import { newRecordId } from './record-id.ts';
import { sampleEntry } from './sample-entries.ts';

const unsealed = (i: number, prev = GENESIS_HASH): UnsealedRecord => ({
  ...sampleEntry(i),
  id: newRecordId(),
  seq: i + 1,
  time: new Date().toISOString(),
  prev,
});

describe('sealing a record', () => {
  it.each([0, 1, 2, 3])('hashes the canonical JSON without the hash field (sample %i)', (i) => {
    const { record, line } = sealRecord(unsealed(i));
    const { hash, ...rest } = record;
    expect(hash).toBe(createHash('sha256').update(canonicalize(rest)!).digest('hex'));
    expect(line).toBe(canonicalize(record));
  });

  it('gives the same hash whatever order the caller wrote the keys in', () => {
    const a = unsealed(2);
    const reversed = Object.fromEntries(Object.entries(a).reverse()) as UnsealedRecord;
    expect(sealRecord(reversed).record.hash).toBe(sealRecord(a).record.hash);
  });

  it('refuses a non-finite number instead of recording null', () => {
    const bad = { ...unsealed(0), timings: { totalMs: Number.NaN } };
    expect(() => sealRecord(bad)).toThrow(AppError);
  });

  it('refuses a value that would hide a hash member inside a string-valued nested id', () => {
    const bad = { ...unsealed(0), request: { ...unsealed(0).request, id: 'x' } } as UnsealedRecord;
    expect(() => sealRecord(bad)).toThrow(AppError);
  });
});

describe('recomputing a hash from a stored line', () => {
  it('agrees with the sealed hash and reads the chain fields', () => {
    const { record, line } = sealRecord(unsealed(5, 'a'.repeat(64)));
    expect(readLineFields(Buffer.from(line))).toEqual({
      declaredHash: record.hash,
      computedHash: record.hash,
      prev: 'a'.repeat(64),
      seq: 6,
      id: record.id,
    });
  });

  it('is not fooled by SQL text that imitates the chain fields', () => {
    const base = unsealed(0);
    const sql = `SELECT 1 -- ","hash":"${'f'.repeat(64)}","prev":"${'e'.repeat(64)}","seq":99,"id":"x"`;
    const { record, line } = sealRecord({ ...base, request: { ...base.request, sql }, seq: 3 });
    const fields = readLineFields(Buffer.from(line))!;
    expect(fields).toMatchObject({ declaredHash: record.hash, computedHash: record.hash, prev: GENESIS_HASH, seq: 3, id: record.id });
  });

  it('changes when any single byte of the line changes', () => {
    const { record, line } = sealRecord(unsealed(3));
    const bytes = Buffer.from(line);
    for (let i = 0; i < bytes.length; i += 7) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i] === 0x41 ? 0x42 : 0x41;
      const fields = readLineFields(copy);
      expect(fields === undefined || fields.computedHash !== fields.declaredHash || fields.declaredHash !== record.hash).toBe(true);
    }
  });
});

describe('record ids', () => {
  it('are UUIDv7 and strictly increasing within the process', () => {
    const ids = Array.from({ length: 5000 }, () => newRecordId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the fast link check (linkOffset)', () => {
  const prevHash = 'ab'.repeat(32);
  const prevBytes = Buffer.from(prevHash, 'latin1');
  const sealed = sealRecord(unsealed(4, prevHash));
  const line = Buffer.from(sealed.line);

  it('accepts an intact line and points at the hash it carries', () => {
    const at = linkOffset(line, 5, prevBytes);
    expect(at).toBeGreaterThan(0);
    expect(line.toString('latin1', at, at + 64)).toBe(sealed.record.hash);
  });

  it('refuses the line at another position or after another head', () => {
    expect(linkOffset(line, 4, prevBytes)).toBe(-1);
    expect(linkOffset(line, 6, prevBytes)).toBe(-1);
    expect(linkOffset(line, 5, Buffer.from(GENESIS_HASH, 'latin1'))).toBe(-1);
  });

  it('refuses a line with any single byte changed, wherever it is', () => {
    // Every position is flipped; the full reading must never call a line intact that the fast check refused either.
    let accepted = 0;
    for (let i = 0; i < line.length; i++) {
      const tampered = Buffer.from(line);
      tampered[i] = tampered[i] === 0x31 ? 0x32 : 0x31;
      if (linkOffset(tampered, 5, prevBytes) >= 0) accepted += 1;
    }
    expect(accepted).toBe(0);
  });

  it('refuses the same record re-serialized in a non-canonical form, as the full reading does', () => {
    const spaced = Buffer.from(JSON.stringify(sealed.record, null, 1).replace(/\n/g, ''));
    expect(linkOffset(spaced, 5, prevBytes)).toBe(-1);
    const f = readLineFields(spaced);
    expect(f === undefined || f.computedHash !== f.declaredHash).toBe(true);
  });

  it('agrees with readLineFields on every sample record', () => {
    let prev = GENESIS_HASH;
    for (let i = 0; i < 8; i++) {
      const s = sealRecord(unsealed(i, prev));
      const bytes = Buffer.from(s.line);
      const f = readLineFields(bytes)!;
      expect(f.computedHash === f.declaredHash && f.seq === i + 1 && f.prev === prev).toBe(true);
      expect(linkOffset(bytes, i + 1, Buffer.from(prev, 'latin1'))).toBeGreaterThan(0);
      prev = s.record.hash;
    }
  });
});
