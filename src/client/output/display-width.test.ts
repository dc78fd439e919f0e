// Terminal cell widths of Chinese and Latin text, and escaping of characters that could drive a terminal.
import { describe, expect, it } from 'vitest';
import { displayWidth, printable } from './display-width.ts';

describe('displayWidth', () => {
  it.each([
    { name: 'Latin letters take one cell each', s: 'district', w: 8 },
    { name: 'Chinese characters take two', s: '龙沙区', w: 6 },
    { name: 'full-width punctuation takes two', s: '（，）', w: 6 },
    { name: 'mixed text adds up', s: 'L4 身份证', w: 9 },
    { name: 'a combining accent takes none', s: 'e\u0301', w: 1 },
    { name: 'a CJK extension B character takes two', s: '𠀀', w: 2 },
  ])('$name', ({ s, w }) => {
    expect(displayWidth(s)).toBe(w);
  });
});

describe('printable', () => {
  it('shows line breaks and tabs as escapes so a value stays on its row', () => {
    expect(printable('a\nb\tc\r')).toBe('a\\nb\\tc\\r');
  });

  it('defuses terminal escape sequences and bidirectional overrides found in data', () => {
    expect(printable('\u001b[2J\u009b31m\u202eevil')).toBe('\\u001b[2J\\u009b31m\\u202eevil');
  });

  it('leaves Chinese text alone', () => {
    expect(printable('齐齐哈尔市龙沙区')).toBe('齐齐哈尔市龙沙区');
  });
});
