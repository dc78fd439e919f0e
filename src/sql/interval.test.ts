// Interval arithmetic over hand-built expression nodes: what has a range, what has none, and constant widths.
import { describe, expect, it } from 'vitest';
import type { ColumnNode, Expr } from './ast.ts';
import { constantOf, outward, rangeOf, type Range } from './interval.ts';

const col = (name: string): ColumnNode => ({ kind: 'column', names: [name], pos: 0, alias: '' });
const int = (n: number): Expr => ({ kind: 'constant', pos: 0, alias: '', value: { type: { id: 'INTEGER', type_info: null }, is_null: false, value: n } });
const dec = (scaled: number, scale: number): Expr => ({
  kind: 'constant', pos: 0, alias: '', value: { type: { id: 'DECIMAL', type_info: { type: 'DECIMAL_TYPE_INFO', width: 18, scale } }, is_null: false, value: scaled },
});
const NULL: Expr = { kind: 'constant', pos: 0, alias: '', value: { type: { id: 'NULL', type_info: null }, is_null: true } };
const fn = (name: string, ...args: Expr[]): Expr => ({ kind: 'function', name, args, distinct: false, isOperator: false, schema: '', pos: 0, alias: '', filter: null, orderBy: [] });

const BOUNDS: Record<string, Range> = { kwh: [0, 5000], area: [10, 400], signed: [-3, 2] };
const range = (e: Expr): Range | undefined => rangeOf(e, (c) => BOUNDS[c.names[0]!]);

describe('rangeOf', () => {
  it('follows +, -, * through columns and constants', () => {
    expect(range(fn('+', fn('*', col('kwh'), int(2)), int(1)))).toEqual([1, 10001]);
    expect(range(fn('-', col('signed')))).toEqual([-2, 3]);
    expect(range(fn('*', col('signed'), col('signed')))).toEqual([-6, 9]);
  });

  it('divides only by a non-zero constant or a column whose range excludes zero', () => {
    expect(range(fn('/', col('kwh'), dec(5, 1)))).toEqual([0, 10000]);
    expect(range(fn('/', col('kwh'), col('area')))).toEqual([0, 500]);
    expect(range(fn('/', int(1), fn('+', col('kwh'), dec(1, 6))))).toBeUndefined();
    expect(range(fn('/', col('area'), col('kwh')))).toBeUndefined();
    expect(range(fn('/', col('area'), int(0)))).toBeUndefined();
  });

  it('covers abs, least, greatest, rounding, CASE and coalesce, and nothing unknown', () => {
    expect(range(fn('abs', col('signed')))).toEqual([0, 3]);
    expect(range(fn('least', col('kwh'), int(100)))).toEqual([0, 100]);
    expect(range(fn('floor', fn('/', col('kwh'), int(3))))).toEqual([0, 1666]);
    expect(range({ kind: 'case', pos: 0, alias: '', checks: [{ when: col('x'), then: col('area') }], otherwise: NULL })).toEqual([10, 400]);
    expect(range({ kind: 'operator', op: 'OPERATOR_COALESCE', pos: 0, alias: '', args: [col('signed'), int(9)] })).toEqual([-3, 9]);
    expect(range(fn('nullif', col('kwh'), int(0)))).toBeUndefined();
    expect(range(fn('exp', col('kwh')))).toBeUndefined();
    expect(range(col('unbounded'))).toBeUndefined();
  });

  it('refuses ranges beyond exactly representable magnitudes', () => {
    expect(range(fn('*', col('kwh'), int(2 ** 30)))).toEqual([0, 5000 * 2 ** 30]);
    expect(range(fn('*', fn('*', col('kwh'), int(2 ** 30)), int(2 ** 30)))).toBeUndefined();
  });
});

describe('constantOf and outward', () => {
  it('evaluates column-free numeric expressions only', () => {
    expect(constantOf(fn('/', int(1), int(2)))).toBe(0.5);
    expect(constantOf(col('kwh'))).toBeNull();
    expect(constantOf(NULL)).toBeNull();
  });

  it('widens fractional bounds outward and keeps integral ones', () => {
    expect(outward([0, 10])).toEqual([0, 10]);
    const [lo, hi] = outward([0.1, 2.5]);
    expect(lo).toBeLessThan(0.1);
    expect(hi).toBeGreaterThan(2.5);
  });
});
