// GB 11643 ID numbers: the check character, parsing, and agreement between the JS and SQL implementations.
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { areaWeightedSum, idCheckChar, idCheckCharSql, isValidIdNumber, parseIdNumber } from './gb11643.ts';

describe('GB 11643 ID numbers', () => {
  it('accepts the example printed in the standard, whose check character is X', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(parseIdNumber('11010519491231002X')).toEqual({ area: '110105', birthDate: '1949-12-31', sequence: 2, gender: '女' });
  });

  it.each([
    { name: 'a wrong check character', id: '110105194912310021' },
    { name: 'an impossible date', id: '110105194902300022' },
    { name: 'a lower-case x', id: '11010519491231002x' },
    { name: 'a short number', id: '1101051949123100' },
  ])('rejects $name', ({ id }) => {
    expect(isValidIdNumber(id)).toBe(false);
  });

  it('reads gender from the parity of the sequence (odd is 男)', () => {
    const body = '23020219800101001';
    expect(parseIdNumber(body + idCheckChar(body))?.gender).toBe('男');
  });

  it('computes the same check character in SQL as in JS', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const cases = Array.from({ length: 200 }, (_, i) => ({
      area: ['230202', '230208', '110105', '150702'][i % 4] ?? '230202',
      ymd: 19300101 + (i % 12) * 100 + (i % 28) + Math.floor(i / 3) * 10000,
      seq: (i * 37) % 1000,
    }));
    const values = cases.map((c) => `(${areaWeightedSum(c.area)}, ${c.ymd}, ${c.seq})`).join(', ');
    const reader = await connection.runAndReadAll(`SELECT ${idCheckCharSql('w', 'ymd', 'seq')} AS c FROM (VALUES ${values}) t(w, ymd, seq)`);
    const sql = reader.getRowObjectsJson().map((r) => r.c);
    const js = cases.map((c) => idCheckChar(`${c.area}${c.ymd}${String(c.seq).padStart(3, '0')}`));
    expect(sql).toEqual(js);
    connection.closeSync();
    instance.closeSync();
  });
});
