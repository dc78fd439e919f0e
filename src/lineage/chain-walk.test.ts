// The chain walk: intact lines are accepted by the byte-level fast path, and every kind of damage is still
// found and named by the full reading, with the head and checkpoint hashes the same either way.
import { describe, expect, it } from 'vitest';
import { sealRecord } from './canonical-hash.ts';
import { ChainWalk } from './chain-walk.ts';
import { GENESIS_HASH } from './record.ts';
import { newRecordId } from './record-id.ts';
import { sampleEntry } from './sample-entries.ts';

/** n sealed records chained from genesis, as the store writes them. */
function chain(n: number): { lines: Buffer[]; hashes: string[]; ids: string[] } {
  const lines: Buffer[] = [];
  const hashes: string[] = [];
  const ids: string[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const { record, line } = sealRecord({ ...sampleEntry(seq), id: newRecordId(), seq, time: new Date().toISOString(), prev });
    lines.push(Buffer.from(line));
    hashes.push(record.hash);
    ids.push(record.id);
    prev = record.hash;
  }
  return { lines, hashes, ids };
}

const walkOver = (lines: readonly Buffer[], wanted: number[] = []): ChainWalk => {
  const walk = new ChainWalk(new Set(wanted));
  for (const line of lines) walk.next(line);
  return walk;
};

describe('walking a chain', () => {
  const { lines, hashes, ids } = chain(12);

  it('starts at the genesis hash', () => {
    expect(new ChainWalk().head).toBe(GENESIS_HASH);
  });

  it('accepts an intact chain and ends at the last hash, noting the hashes at the wanted counts', () => {
    const walk = walkOver(lines, [3, 12]);
    expect(walk.firstBad).toBeUndefined();
    expect(walk.count).toBe(12);
    expect(walk.head).toBe(hashes[11]);
    expect([...walk.hashAt]).toEqual([
      [3, hashes[2]],
      [12, hashes[11]],
    ]);
  });

  it('accepts lines given as plain Uint8Arrays as well as Buffers', () => {
    const walk = walkOver(lines.map((l) => new Uint8Array(l)) as Buffer[]);
    expect(walk.firstBad).toBeUndefined();
    expect(walk.head).toBe(hashes[11]);
  });

  it('names an edited line hash_mismatch with its id', () => {
    const edited = [...lines];
    edited[4] = Buffer.from(lines[4]!.toString('utf8').replace('"seq":5', '"seq":5 '));
    expect(walkOver(edited).firstBad).toEqual({ seq: 5, id: ids[4], reason: 'hash_mismatch' });
  });

  it('names a repeated line seq_mismatch', () => {
    const repeated = [...lines.slice(0, 6), lines[5]!, ...lines.slice(6)];
    expect(walkOver(repeated).firstBad).toEqual({ seq: 7, id: ids[5], reason: 'seq_mismatch' });
  });

  it('names a line that does not point at the head prev_mismatch', () => {
    const walk = new ChainWalk();
    walk.next(lines[0]!);
    walk.head = 'f'.repeat(64);
    walk.next(lines[1]!);
    expect(walk.firstBad).toEqual({ seq: 2, id: ids[1], reason: 'prev_mismatch' });
  });

  it('cannot accept the line after an unreadable one, and keeps the first break', () => {
    const damaged = [...lines.slice(0, 3), Buffer.from('{"not":"a record"}'), ...lines.slice(4)];
    const walk = walkOver(damaged);
    expect(walk.firstBad).toEqual({ seq: 4, reason: 'malformed' });
    expect(walk.count).toBe(12);
    // From the line after the unreadable one the chain links again, so the head is the true last hash.
    expect(walk.head).toBe(hashes[11]);
  });
});
