// Which answers of a unit count by rows may stand: every group decided by its row count alone (fewer than k
// rows, or more than the bound), nothing else. The release through the real sandbox is tested in
// src/sql/unit-row-bounds.test.ts.
import { describe, expect, it } from 'vitest';
import type { GateValue, RawResult } from '../gate/types.ts';
import { decidedByRows } from './unit-count-by-rows.ts';

const K = 10;
const BOUND = 79;
const answer = (...counts: GateValue[]): RawResult => ({
  columns: [{ name: 'district', type: 'VARCHAR' }, { name: '__dsbx_units', type: 'BIGINT' }],
  rows: counts.map((n, i) => [`d${i}`, n]),
  moreRowsThanRead: false,
});
const decided = (r: RawResult): boolean => decidedByRows(r, '__dsbx_units', K, BOUND);

describe('a unit count by rows stands', () => {
  it.each([
    { name: 'groups of fewer than k rows', counts: [1, K - 1] },
    { name: 'groups of more rows than the bound', counts: [BOUND + 1, 5_000_000] },
    { name: 'both, as counts or BIGINTs', counts: [0n, 3, BigInt(BOUND + 1), 200] },
    { name: 'no group at all', counts: [] },
  ])('with $name', ({ counts }) => {
    expect(decided(answer(...counts))).toBe(true);
  });
});

describe('the exact count runs instead', () => {
  it.each([
    { name: 'a group of exactly k rows, which could be one person', counts: [K] },
    { name: 'a group of as many rows as the bound', counts: [BOUND + 1, BOUND] },
    { name: 'one undecided group among decided ones', counts: [1, 500, 40, 2] },
    { name: 'a helper that is not a count', counts: [null] },
    { name: 'a fractional helper', counts: [100.5] },
    { name: 'a negative helper', counts: [-1] },
    { name: 'a helper given as text', counts: ['500'] },
    { name: 'a helper beyond safe integers', counts: [2n ** 60n] },
  ])('on $name', ({ counts }) => {
    expect(decided(answer(...counts))).toBe(false);
  });

  it('when the answer has no helper column', () => {
    expect(decidedByRows(answer(500), 'other', K, BOUND)).toBe(false);
  });
});
