// The terminal table: alignment by display width, numbers to the right, NULL spelled out.
import { describe, expect, it } from 'vitest';
import { toTable } from './table.ts';

describe('toTable', () => {
  it('pads Chinese text by its display width and right-aligns a numeric column', () => {
    expect(toTable(['district', 'n'], [['龙沙区', 5], ['富拉尔基区', 120]])).toBe(
      ['district      n', '──────────  ───', '龙沙区        5', '富拉尔基区  120', ''].join('\n'),
    );
  });

  it('spells out NULL and keeps a text column left-aligned', () => {
    expect(toTable(['a', 'b'], [[null, 'x'], ['yy', null]])).toBe(['a     b', '────  ────', 'NULL  x', 'yy    NULL', ''].join('\n'));
  });

  it('keeps a value with a line break on its row', () => {
    expect(toTable(['a'], [['x\ny']]).split('\n')).toHaveLength(4);
  });
});
