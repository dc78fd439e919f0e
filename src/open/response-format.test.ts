// Content negotiation of open-data pages.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { chooseFormat } from './response-format.ts';

describe('chooseFormat', () => {
  it.each([
    { name: 'format= over Accept', format: 'csv' as const, accept: 'application/json', out: 'csv' },
    { name: 'JSON without an Accept', format: undefined, accept: undefined, out: 'json' },
    { name: 'CSV for text/csv', format: undefined, accept: 'text/csv', out: 'csv' },
    { name: 'the higher q-value', format: undefined, accept: 'application/json;q=0.5, text/csv;q=0.9', out: 'csv' },
    { name: 'a specific type before a wildcard', format: undefined, accept: '*/*, text/csv', out: 'csv' },
    { name: 'JSON for */*', format: undefined, accept: '*/*', out: 'json' },
  ])('chooses $name', ({ format, accept, out }) => {
    expect(chooseFormat(format, accept)).toBe(out);
  });

  it('refuses an Accept that admits neither CSV nor JSON with BAD_REQUEST', () => {
    let code: string | undefined;
    try {
      chooseFormat(undefined, 'text/html, application/json;q=0');
    } catch (e) {
      code = isAppError(e) ? e.code : 'other';
    }
    expect(code).toBe('BAD_REQUEST');
  });
});
