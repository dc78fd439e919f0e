// RFC 4180 CSV: what needs quoting, how quotes are doubled, NULL as the empty field, Chinese text untouched.
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.ts';

describe('csvField', () => {
  it.each([
    { name: 'plain text stays bare', value: '龙沙区', out: '龙沙区' },
    { name: 'a comma forces quotes', value: '建华区,东', out: '"建华区,东"' },
    { name: 'quotes are doubled inside quotes', value: 'say "hi"', out: '"say ""hi"""' },
    { name: 'a line feed forces quotes', value: 'a\nb', out: '"a\nb"' },
    { name: 'a carriage return forces quotes', value: 'a\rb', out: '"a\rb"' },
    { name: 'a full-width comma needs none', value: '铁锋区，南', out: '铁锋区，南' },
    { name: 'NULL is the empty field', value: null, out: '' },
    { name: 'numbers print as JSON does', value: 1234.5, out: '1234.5' },
    { name: 'booleans print as words', value: false, out: 'false' },
  ])('$name', ({ value, out }) => {
    expect(csvField(value)).toBe(out);
  });
});

describe('toCsv', () => {
  it('writes a header and CRLF-terminated records', () => {
    expect(toCsv(['地区', 'n'], [['龙沙区', 10], [null, 5]])).toBe('地区,n\r\n龙沙区,10\r\n,5\r\n');
  });

  it('writes only the header for an empty result', () => {
    expect(toCsv(['a', 'b,c'], [])).toBe('a,"b,c"\r\n');
  });
});
