// Tests for picking the checkpoints around a record.
import { describe, expect, it } from 'vitest';
import { checkpointsAround, lastCheckpoint } from './nearest-checkpoint.ts';
import type { Checkpoint } from './checkpoint.ts';

const cp = (count: number): Checkpoint => ({ count, head: count.toString(16).padStart(64, '0'), time: new Date(count * 1000).toISOString() });
const all = [cp(3000), cp(1000), cp(2000)];

describe('checkpointsAround', () => {
  it('names the first checkpoint at or after the record as covering it, and the last one before it', () => {
    expect(checkpointsAround(all, 1500)).toEqual({ covering: cp(2000), before: cp(1000) });
  });
  it('counts a checkpoint taken exactly at the record as covering it', () => {
    expect(checkpointsAround(all, 2000)).toEqual({ covering: cp(2000), before: cp(1000) });
  });
  it('has no covering checkpoint for a record newer than the last one', () => {
    expect(checkpointsAround(all, 3001)).toEqual({ before: cp(3000) });
  });
  it('has no earlier checkpoint for the first records', () => {
    expect(checkpointsAround(all, 1)).toEqual({ covering: cp(1000) });
    expect(checkpointsAround([], 1)).toEqual({});
  });
});

describe('lastCheckpoint', () => {
  it('is the one with the largest count, whatever the order', () => {
    expect(lastCheckpoint(all)).toEqual(cp(3000));
    expect(lastCheckpoint([])).toBeUndefined();
  });
});
