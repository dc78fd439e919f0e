// GB 32100 unified social credit codes and their GB 11714 organisation-code check character.
import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode, orgCodeCheckChar } from './gb32100.ts';

describe('GB 32100 unified social credit codes', () => {
  it('accepts the example printed in the standard', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('computes the final check character over the 31-character alphabet', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('computes the organisation-code check character (10 is X, 11 is 0)', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
  });

  it.each([
    { name: 'a changed final character', code: '91350100M000100Y44' },
    { name: 'a letter outside the alphabet', code: '91350100M0001O0Y43' },
    { name: 'a changed organisation check character', code: '91350100M000100Y53' },
  ])('rejects $name', ({ code }) => {
    expect(isValidCreditCode(code)).toBe(false);
  });
});
