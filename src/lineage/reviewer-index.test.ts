// The compact reviewer index on its own: lookups by id, filters, ε charges, and the portable slices that
// sidecars carry, which must rebuild exactly the index they were cut from.
import { describe, expect, it } from 'vitest';
import { sealRecord } from './canonical-hash.ts';
import { GENESIS_HASH, type LineageRecord } from './record.ts';
import { newRecordId } from './record-id.ts';
import { ReviewerIndex, type LineageFilter } from './reviewer-index.ts';
import { sampleEntry } from './sample-entries.ts';

/** n sealed records of the sample shapes, chained, with their line locations in two segments. */
function chain(n: number): LineageRecord[] {
  const records: LineageRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const { record } = sealRecord({ ...sampleEntry(seq), id: newRecordId(), seq, time: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(), prev });
    records.push(record);
    prev = record.hash;
  }
  return records;
}
const locationOf = (seq: number) => ({ segment: seq <= 20 ? 1 : 2, offset: (seq - 1) * 1000, length: 900 + seq });

function indexOf(records: readonly LineageRecord[]): ReviewerIndex {
  const index = new ReviewerIndex();
  for (const r of records) index.add(r.seq, r, locationOf(r.seq));
  return index;
}

const FILTERS: LineageFilter[] = [
  {},
  { subject: 'dev-3' },
  { org: 'org-2', decision: 'allow' },
  { dataset: 'health' },
  { table: 'heating_bills' },
  { column: 'population.residents.phone' },
  { decision: 'deny', code: 'POLICY_DENIED' },
  { code: 'NOT_A_CODE' },
  { kind: 'governance' },
  { from: '2026-01-01T00:10:00.000Z', to: '2026-01-01T00:30:00.000Z' },
];
const answers = (index: ReviewerIndex) => FILTERS.map((f) => index.query(f, undefined, 1000).positions);

describe('ReviewerIndex', () => {
  it('finds a record by id and only by its exact id', () => {
    const records = chain(40);
    const index = indexOf(records);
    expect(index.locate(records[24]!.id)).toEqual(locationOf(25));
    expect(index.locate(records[24]!.id.toUpperCase())).toBeUndefined();
    expect(index.locate(newRecordId())).toBeUndefined();
    expect(index.locate('not-an-id')).toBeUndefined();
  });

  it('keeps a repeated id pointing at the first record that had it', () => {
    const [a, b] = chain(2);
    const index = new ReviewerIndex();
    index.add(1, a!, locationOf(1));
    index.add(2, { ...b!, id: a!.id }, locationOf(2));
    expect(index.locate(a!.id)).toEqual(locationOf(1));
  });

  it('filters newest first, skipping holes, and pages with a cursor', () => {
    const records = chain(40);
    const index = indexOf(records);
    index.addHole(41);
    const all = index.query({}, undefined, 1000).positions;
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => 40 - i));
    expect(index.query({ subject: 'dev-3' }, undefined, 1000).positions).toEqual(records.filter((r) => r.subject === 'dev-3').map((r) => r.seq).reverse());
    expect(index.query({ dataset: 'health' }, undefined, 1000).positions).toEqual(records.filter((r) => r.inputs.some((c) => c.dataset === 'health')).map((r) => r.seq).reverse());
    const first = index.query({}, undefined, 10);
    expect(first).toEqual({ positions: all.slice(0, 10), nextCursor: 31 });
    expect(index.query({}, first.nextCursor, 10).positions).toEqual(all.slice(10, 20));
  });

  it('lists each positive ε charge with its subject, kind and the datasets of budgetAfter', () => {
    const records = chain(40);
    const charges = [...indexOf(records).charges()];
    const expected = records
      .filter((r) => (r.protections?.epsilonCharged ?? 0) > 0 && r.budgetAfter !== null)
      .map((r) => ({ subject: r.subject, kind: r.kind, epsilon: r.protections!.epsilonCharged!, datasets: Object.keys(r.budgetAfter!) }));
    expect(expected.length).toBeGreaterThan(0);
    expect(charges).toEqual(expected);
  });

  it('rebuilds the same index from slices of it (what sidecars carry), followed by records added live', () => {
    const records = chain(50);
    const whole = indexOf(records);
    const rebuilt = new ReviewerIndex();
    rebuilt.addSlice(whole.slice(1, 20));
    rebuilt.addSlice(whole.slice(21, 40));
    for (const r of records.slice(40)) rebuilt.add(r.seq, r, locationOf(r.seq));
    expect(rebuilt.size).toBe(50);
    expect(answers(rebuilt)).toEqual(answers(whole));
    expect([...rebuilt.charges()]).toEqual([...whole.charges()]);
    for (const r of records) expect(rebuilt.locate(r.id)).toEqual(locationOf(r.seq));
  });

  it('refuses a slice that refers to a string it does not carry', () => {
    const whole = indexOf(chain(5));
    const slice = whole.slice(1, 5);
    expect(() => new ReviewerIndex().addSlice({ ...slice, strings: slice.strings.slice(0, 1) })).toThrow();
  });

  it('keeps the hashes of the active segment until it is sealed, and none across a hole', () => {
    const records = chain(10);
    const index = indexOf(records.slice(0, 6));
    expect(index.hashes(1, 6)?.toString('hex')).toBe(records.slice(0, 6).map((r) => r.hash).join(''));
    index.forgetHashesBefore(5);
    expect(index.hashes(1, 6)).toBeUndefined();
    expect(index.hashes(5, 6)?.toString('hex')).toBe(records[4]!.hash + records[5]!.hash);
    index.addHole(7);
    index.add(8, records[7]!, locationOf(8));
    expect(index.hashes(5, 8)).toBeUndefined();
    expect(index.hashes(8, 8)?.toString('hex')).toBe(records[7]!.hash);
  });
});
