// Remembered SQL texts (the guard's verdicts, undecided unit counts by rows): exact texts only, bounded,
// least recently used forgotten first.
import { describe, expect, it } from 'vitest';
import { RememberedTexts } from './remembered-texts.ts';

describe('remembered statements', () => {
  it('know a text only in exactly the form it was allowed', () => {
    const allowed = new RememberedTexts();
    allowed.add('SELECT 1 AS n');
    expect(allowed.has('SELECT 1 AS n')).toBe(true);
    expect(allowed.has('SELECT 1 AS n ')).toBe(false);
    expect(allowed.has('select 1 as n')).toBe(false);
  });

  it('forget the least recently used text beyond the limit', () => {
    const allowed = new RememberedTexts(2);
    allowed.add('a');
    allowed.add('b');
    expect(allowed.has('a')).toBe(true);
    allowed.add('c');
    expect(allowed.size).toBe(2);
    expect(allowed.has('b')).toBe(false);
    expect(allowed.has('a')).toBe(true);
    expect(allowed.has('c')).toBe(true);
  });

  it('remember nothing with a limit of zero', () => {
    const allowed = new RememberedTexts(0);
    allowed.add('a');
    expect(allowed.has('a')).toBe(false);
    expect(allowed.size).toBe(0);
  });

  it('refuse a limit that is not a non-negative integer', () => {
    expect(() => new RememberedTexts(-1)).toThrow();
    expect(() => new RememberedTexts(1.5)).toThrow();
  });
});
