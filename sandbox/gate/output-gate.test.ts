// The output gate, step by step, on results built by hand (the executor tests run it on real DuckDB output).
import { describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { aggregatePlan, countOf, groupKey, maskedColumn, pseudonymColumn, rawColumn, residentsPerDistrict, rowsPlan } from '../fixtures/compiled-plans.ts';
import { SandboxError } from '../failure.ts';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { runOutputGate } from './output-gate.ts';
import { pseudonymKey } from './pseudonym.ts';
import type { GateValue, RawResult } from './types.ts';

const ctx = { pseudonymKey: pseudonymKey(new Uint8Array(32).fill(7), 'dev-1') };
const perDistrict = (rows: GateValue[][], more = false): RawResult => ({
  columns: [{ name: 'district', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }, { name: '__dsbx_units', type: 'BIGINT' }],
  rows,
  moreRowsThanRead: more,
});

const failureOf = (f: () => unknown): { code: string; cause: unknown } => {
  try {
    f();
  } catch (e) {
    if (e instanceof SandboxError) return { code: e.code, cause: e.details?.cause };
    throw e;
  }
  throw new Error('expected a SandboxError');
};

describe('the threshold profile', () => {
  const plan = residentsPerDistrict({ k: 10, rounding: 5 });

  it('releases groups of k and k+1 units and drops the group of k-1', () => {
    const out = runOutputGate(perDistrict([['龙沙区', 9n, 9n], ['建华区', 10n, 10n], ['铁锋区', 11n, 11n]]), plan, ctx);
    expect(out.rows).toEqual([['建华区', 10], ['铁锋区', 10]]);
    expect(out.disclosure.suppressedGroups).toBe(1);
    expect(out.disclosure.threshold).toEqual({ k: 10, rounding: 5 });
    expect(out.disclosure.rowCount).toBe(2);
  });

  it('counts distinct units, not rows: many rows of few people are still suppressed', () => {
    const out = runOutputGate(perDistrict([['龙沙区', 500n, 3n]]), plan, ctx);
    expect(out.rows).toEqual([]);
  });

  it('makes a suppressed group indistinguishable from a group that does not exist', () => {
    const withSmall = runOutputGate(perDistrict([['建华区', 40n, 40n], ['龙沙区', 3n, 3n]]), plan, ctx);
    const without = runOutputGate(perDistrict([['建华区', 40n, 40n]]), plan, ctx);
    expect(withSmall.rows).toEqual(without.rows);
    expect(withSmall.columns).toEqual(without.columns);
    expect(withSmall.resultSha256).toBe(without.resultSha256);
  });

  it('releases no row for a global aggregate over fewer than k units', () => {
    const global = aggregatePlan('SELECT count(*) AS n, count(DISTINCT id_card) AS __dsbx_units FROM t', [countOf('n')], { k: 10 });
    const raw: RawResult = { columns: [{ name: 'n', type: 'BIGINT' }, { name: '__dsbx_units', type: 'BIGINT' }], rows: [[9n, 9n]], moreRowsThanRead: false };
    const out = runOutputGate(raw, global, ctx);
    expect(out.rows).toEqual([]);
    expect(out.disclosure.rowCount).toBe(0);
  });

  it('treats a missing unit count as zero units', () => {
    expect(runOutputGate(perDistrict([['龙沙区', 40n, null]]), plan, ctx).rows).toEqual([]);
  });

  it('never releases the helper column', () => {
    const out = runOutputGate(perDistrict([['建华区', 40n, 40n]]), plan, ctx);
    expect(out.columns.map((c) => c.name)).toEqual(['district', 'n']);
    expect(out.rows[0]).toHaveLength(2);
  });
});

describe('rounding to the base', () => {
  const plan = residentsPerDistrict({ k: 1, rounding: 5 });
  it.each([
    { name: 'down below the half', n: 12n, out: 10 },
    { name: 'half away from zero', n: 12.5, out: 15 },
    { name: 'up above the half', n: 13n, out: 15 },
    { name: 'exact multiples unchanged', n: 20n, out: 20 },
    { name: 'small counts to zero', n: 2n, out: 0 },
    { name: 'negative half away from zero', n: -12.5, out: -15 },
    { name: 'integers beyond 2^53 exactly', n: 1152921504606846979n, out: '1152921504606846980' },
  ])('rounds $name', ({ n, out }) => {
    const res = runOutputGate(perDistrict([['建华区', n, 50n]]), plan, ctx);
    expect(res.rows[0]?.[1]).toEqual(out);
    expect(res.disclosure.rounding).toBe(5);
  });

  it('releases counts as they are when the plan has no threshold (open data has no privacy unit)', () => {
    const open = { ...aggregatePlan('x', [groupKey('district'), countOf('n')]), helpers: [], threshold: null };
    const raw: RawResult = { columns: [{ name: 'district', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }], rows: [['建华区', 12n]], moreRowsThanRead: false };
    const res = runOutputGate(raw, open, ctx);
    expect(res.rows).toEqual([['建华区', 12]]);
    expect(res.disclosure).toMatchObject({ threshold: null, rounding: null, suppressedGroups: 0 });
  });

  it('leaves aggregates the plan does not mark rounded as they are', () => {
    const p = aggregatePlan('x', [groupKey('district'), countOf('n', false)], { k: 1 });
    expect(runOutputGate(perDistrict([['建华区', 12n, 50n]]), p, ctx).rows).toEqual([['建华区', 12]]);
  });
});

describe('when the result does not match the plan', () => {
  const plan = residentsPerDistrict();
  it.each([
    { name: 'a column renamed', columns: ['district', 'count', '__dsbx_units'] },
    { name: 'the helper missing', columns: ['district', 'n'] },
    { name: 'an extra column', columns: ['district', 'n', '__dsbx_units', 'id_card'] },
    { name: 'columns out of order', columns: ['n', 'district', '__dsbx_units'] },
  ])('releases nothing with $name', ({ columns }) => {
    const raw: RawResult = { columns: columns.map((name) => ({ name, type: 'VARCHAR' })), rows: [columns.map(() => 'x')], moreRowsThanRead: false };
    expect(failureOf(() => runOutputGate(raw, plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'column_mismatch' });
  });
});

describe('plans the gate refuses to apply', () => {
  const refusals: { name: string; plan: CompiledQuery }[] = [
    { name: 'an L4 column released raw', plan: rowsPlan('x', [rawColumn('id_card', 'L4')]) },
    { name: 'a threshold without a unit-count helper', plan: { ...residentsPerDistrict(), helpers: [] } },
    { name: 'a k-anonymity key that is not an output', plan: { ...rowsPlan('x', [rawColumn('district')]), kAnonymity: { k: 5, quasiIdentifiers: ['gender'] } } },
    { name: 'a pseudonym in an aggregate', plan: aggregatePlan('x', [pseudonymColumn('p'), countOf('n')]) },
    { name: 'a unit count by rows without an exact threshold', plan: { ...residentsPerDistrict(), threshold: null, helpers: [], unitCountByRows: { sql: 'x', decidedAbove: 9 } } },
    { name: 'a unit count by rows for a row release', plan: { ...rowsPlan('x', [rawColumn('district')]), unitCountByRows: { sql: 'x', decidedAbove: 9 } } },
  ];
  it.each(refusals)('refuses $name', ({ plan }) => {
    const raw: RawResult = {
      columns: [...plan.outputs.map((o) => o.name), ...plan.helpers.map((h) => h.name)].map((name) => ({ name, type: 'VARCHAR' })),
      rows: [],
      moreRowsThanRead: false,
    };
    expect(failureOf(() => runOutputGate(raw, plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'plan_invalid' });
  });

  it('refuses a dp plan that does not say how to noise its aggregates (it would otherwise leave exact)', () => {
    const plan: CompiledQuery = { ...residentsPerDistrict(), profile: 'dp' };
    expect(failureOf(() => runOutputGate(perDistrict([['建华区', 40n, 40n]]), plan, ctx))).toEqual({ code: 'INTERNAL', cause: 'plan_invalid' });
  });
});

describe('row releases', () => {
  const rawOf = (names: string[], rows: GateValue[][]): RawResult => ({
    columns: names.map((name) => ({ name, type: 'VARCHAR' })),
    rows,
    moreRowsThanRead: false,
  });

  it.each([
    { name: 'ID numbers keep the first 6 and last 4', method: 'id_card' as const, value: '230202199001011234', out: '230202********1234' },
    { name: 'mobile numbers keep 3 and 4', method: 'phone' as const, value: '13812345678', out: '138****5678' },
    { name: 'names keep the surname', method: 'name' as const, value: '张三丰', out: '张**' },
    { name: 'compound surnames stay whole', method: 'name' as const, value: '欧阳修', out: '欧阳*' },
    { name: 'two-character names keep one', method: 'name' as const, value: '李四', out: '李*' },
    { name: 'addresses are cut to the district', method: 'address' as const, value: '黑龙江省齐齐哈尔市龙沙区明月路12号3单元', out: '齐齐哈尔市龙沙区***' },
    { name: 'county-level cities are districts too', method: 'address' as const, value: '齐齐哈尔市讷河市通江街道5号', out: '齐齐哈尔市讷河市***' },
    { name: 'unrecognised addresses are hidden whole', method: 'address' as const, value: '某地某路1号', out: '***' },
    { name: 'addresses starting at the district keep only it', method: 'address' as const, value: '梅里斯达斡尔族区梅里斯大街8号', out: '梅里斯达斡尔族区***' },
    { name: 'a residential compound is not a district', method: 'address' as const, value: '讷河市绿洲小区7栋2单元703室', out: '讷河市***' },
    { name: 'card numbers keep the last 4', method: 'card_no' as const, value: '3102000012345678', out: '************5678' },
    { name: 'short ID-like values are hidden whole', method: 'id_card' as const, value: '2302021', out: '*******' },
  ])('masks: $name', ({ method, value, out }) => {
    const res = runOutputGate(rawOf(['v'], [[value], [null]]), rowsPlan('x', [maskedColumn('v', method)]), ctx);
    expect(res.rows).toEqual([[out], [null]]);
    expect(res.columns[0]?.type).toBe('VARCHAR');
  });

  describe('pseudonyms', () => {
    const plan = rowsPlan('x', [pseudonymColumn('p')]);
    const raw = () => rawOf(['p'], [['230202199001011234'], ['230202199001011234'], ['230202199001015678']]);
    const secret = new Uint8Array(32).fill(9);
    const forLicense = (sub: string) => runOutputGate(raw(), plan, { pseudonymKey: pseudonymKey(secret, sub) }).rows.map((r) => r[0]);

    it('are stable within one license', () => {
      const a = forLicense('dev-1');
      expect(a[0]).toBe(a[1]);
      expect(a[0]).not.toBe(a[2]);
      expect(forLicense('dev-1')).toEqual(a);
    });

    it('differ across licenses', () => {
      const a = forLicense('dev-1');
      const b = forLicense('dev-2');
      a.forEach((p, i) => expect(p).not.toBe(b[i]));
    });

    it('carry a prefix and never the value', () => {
      for (const p of forLicense('dev-1')) {
        expect(p).toMatch(/^ps_[0-9a-f]{16}$/);
        expect(String(p)).not.toContain('1234');
      }
    });

    it('depend on the server secret', () => {
      const other = runOutputGate(raw(), plan, { pseudonymKey: pseudonymKey(new Uint8Array(32).fill(1), 'dev-1') }).rows[0]?.[0];
      expect(other).not.toBe(forLicense('dev-1')[0]);
    });
  });

  describe('k-anonymity over the released quasi-identifiers', () => {
    const plan = rowsPlan('x', [rawColumn('district', 'L2', true), rawColumn('gender', 'L2', true), maskedColumn('name', 'name')], { k: 3 });
    const rows = (): GateValue[][] => [
      ['龙沙区', '男', '张三'], ['龙沙区', '男', '李四'], ['龙沙区', '男', '王五'],
      ['龙沙区', '女', '赵六'], ['龙沙区', '女', '钱七'],
      ['建华区', '男', '孙八'],
    ];

    it('suppresses rows in classes smaller than k and reports only how many', () => {
      const res = runOutputGate(rawOf(['district', 'gender', 'name'], rows()), plan, ctx);
      expect(res.rows).toEqual([['龙沙区', '男', '张*'], ['龙沙区', '男', '李*'], ['龙沙区', '男', '王*']]);
      expect(res.disclosure.suppressedRows).toBe(3);
      expect(res.disclosure.kAnonymity).toBe(3);
    });

    it('keeps a class of exactly k rows', () => {
      const res = runOutputGate(rawOf(['district', 'gender', 'name'], rows().slice(0, 3)), plan, ctx);
      expect(res.rows).toHaveLength(3);
    });

    it('does not merge null with the text "null"', () => {
      const res = runOutputGate(rawOf(['district', 'gender', 'name'], [[null, '男', 'a'], ['null', '男', 'b'], [null, '男', 'c']]), plan, ctx);
      expect(res.rows).toEqual([]);
    });

    it('applies the row cap before classes are counted, so no released class is under k', () => {
      const capped = rowsPlan('x', plan.outputs.slice(), { k: 3, rowCap: 4 });
      const res = runOutputGate(rawOf(['district', 'gender', 'name'], rows()), capped, ctx);
      expect(res.rows).toHaveLength(3);
      expect(res.disclosure.truncated).toBe(true);
    });
  });

  it('caps rows and says the release was truncated', () => {
    const res = runOutputGate(rawOf(['district'], [['a'], ['b'], ['c']]), rowsPlan('x', [rawColumn('district')], { rowCap: 2 }), ctx);
    expect(res.rows).toEqual([['a'], ['b']]);
    expect(res.disclosure).toMatchObject({ truncated: true, rowCount: 2 });
  });

  it('reports truncation when the reader stopped before the end', () => {
    const res = runOutputGate({ ...rawOf(['district'], [['a']]), moreRowsThanRead: true }, rowsPlan('x', [rawColumn('district')]), ctx);
    expect(res.disclosure.truncated).toBe(true);
  });
});

describe('the released result', () => {
  it('is hashed as the canonical JSON of its columns and rows', () => {
    const res = runOutputGate(perDistrict([['建华区', 40n, 40n]]), residentsPerDistrict(), ctx);
    const expected = createHash('sha256').update(canonicalize({ columns: res.columns, rows: res.rows }) as string).digest('hex');
    expect(res.resultSha256).toBe(expected);
  });

  it('is plain JSON', () => {
    const res = runOutputGate(perDistrict([['建华区', 2n ** 62n, 40n]]), residentsPerDistrict({ rounding: 1 }), ctx);
    expect(JSON.parse(JSON.stringify(res.rows))).toEqual(res.rows);
    expect(res.rows[0]?.[1]).toBe((2n ** 62n).toString());
  });
});
