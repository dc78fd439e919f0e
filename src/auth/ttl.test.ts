// Token lifetimes parse from operator notation and stay within a year.
import { describe, expect, it } from 'vitest';
import { parseTtl } from './ttl.ts';

describe('parseTtl', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['8h', 28800],
    ['7d', 604800],
    ['366d', 366 * 86400],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(['', '0h', '-1h', '8', 'h', '1.5h', '8 hours', '367d', '1w'])('refuses %j', (text) => {
    expect(() => parseTtl(text)).toThrow(RangeError);
  });
});
