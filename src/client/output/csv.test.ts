// The client's CSV of a result: a header, CRLF-terminated records, NULL as the empty field, Chinese text
// untouched (fields: src/csv/csv-field.test.ts).
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('writes a header and CRLF-terminated records', () => {
    expect(toCsv(['地区', 'n'], [['龙沙区', 10], [null, 5]])).toBe('地区,n\r\n龙沙区,10\r\n,5\r\n');
  });

  it('writes only the header for an empty result', () => {
    expect(toCsv(['a', 'b,c'], [])).toBe('a,"b,c"\r\n');
  });

  it('writes a group named like a formula as text', () => {
    expect(toCsv(['name', 'n'], [['=1+1', 12]])).toBe("name,n\r\n'=1+1,12\r\n");
  });
});
