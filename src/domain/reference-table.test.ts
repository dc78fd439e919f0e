// Weighted-choice slot tables: shares follow the weights, and a draw through SQL lands in its slot.
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { SLOTS, loadWeightedChoice, weightedSlots } from './reference-table.ts';

describe('weighted choice tables', () => {
  it('spread SLOTS slots in proportion to the weights', () => {
    const slots = weightedSlots([['a', 70], ['b', 20], ['c', 10]]);
    expect(slots).toHaveLength(SLOTS);
    expect(slots.filter((s) => s === 'a')).toHaveLength(0.7 * SLOTS);
    expect(slots.filter((s) => s === 'c')).toHaveLength(0.1 * SLOTS);
  });

  it('give every positive weight at least one slot, and none to a zero weight', () => {
    const slots = weightedSlots([['common', 1_000_000], ['rare', 1], ['never', 0]]);
    expect(slots).toHaveLength(SLOTS);
    expect(slots.filter((s) => s === 'rare')).toHaveLength(1);
    expect(slots).not.toContain('never');
  });

  it('join a group index and a uniform draw to the group values', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const choice = await loadWeightedChoice(connection, 'pick_test', { v: 'VARCHAR' }, { first: [[['x'], 1]], second: [[['y'], 1], [['z'], 1]] });
    const r = await connection.runAndReadAll(`
      SELECT (SELECT v FROM pick_test WHERE key = ${choice.key('0', '0.99')}) AS a,
             (SELECT v FROM pick_test WHERE key = ${choice.key('1', '0.2')}) AS b,
             (SELECT v FROM pick_test WHERE key = ${choice.key('1', '0.7')}) AS c`);
    expect(r.getRowObjectsJson()[0]).toEqual({ a: 'x', b: 'y', c: 'z' });
    connection.closeSync();
    instance.closeSync();
  });
});
