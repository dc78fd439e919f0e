// The IPC protocol's schemas: what the executor accepts as a compiled query, and what the service accepts back.
import { describe, expect, it } from 'vitest';
import { type } from 'arktype';
import { aggregatePlan, countOf, maskedColumn, residentsPerDistrict, rowsPlan } from './fixtures/compiled-plans.ts';
import { FromExecutor, parseCompiledQuery, parseGateResult, ToExecutor } from './protocol.ts';

const DP = {
  maxGroups: 1, maxRows: 5, grouped: true, tauFloor: 10, epsilon: 1, delta: 1e-6,
  aggregates: [{ output: 'n', measure: 'count', bounds: null, decimals: 0, countHelper: null }],
};

describe('compiled queries crossing into the executor', () => {
  it('accepts a dp plan with its dp description intact', () => {
    const plan = { ...residentsPerDistrict(), profile: 'dp', threshold: null, dp: DP };
    expect(parseCompiledQuery(plan)?.dp).toEqual(DP);
  });

  it('accepts the shapes the compiler produces', () => {
    expect(parseCompiledQuery(residentsPerDistrict())).toBeDefined();
    expect(parseCompiledQuery({ ...residentsPerDistrict(), unitCountByRows: { sql: 'SELECT 1', decidedAbove: 9 } })?.unitCountByRows).toEqual({ sql: 'SELECT 1', decidedAbove: 9 });
    expect(parseCompiledQuery(rowsPlan('SELECT name FROM population.residents', [maskedColumn('name', 'name')]))).toBeDefined();
  });

  it.each([
    { name: 'free SQL', value: { sql: 'SELECT 1' } },
    { name: 'an unknown mode', value: { ...residentsPerDistrict(), mode: 'raw' } },
    { name: 'an unknown protection', value: aggregatePlan('x', [{ ...countOf('n'), protection: { kind: 'none' } } as never]) },
    { name: 'an unknown mask method', value: rowsPlan('x', [{ ...maskedColumn('v', 'name'), protection: { kind: 'masked', method: 'reverse' } } as never]) },
    { name: 'a k of zero', value: residentsPerDistrict({ k: 0 }) },
    { name: 'an empty SQL text', value: { ...residentsPerDistrict(), sql: '' } },
    { name: 'a negative row cap', value: { ...residentsPerDistrict(), rowCap: -1 } },
    { name: 'a version from the future', value: { ...residentsPerDistrict(), version: 2 } },
    { name: 'a dp description with an unknown measure', value: { ...residentsPerDistrict(), profile: 'dp', dp: { ...DP, aggregates: [{ ...DP.aggregates[0], measure: 'median' }] } } },
    { name: 'a dp description with an unknown key', value: { ...residentsPerDistrict(), profile: 'dp', dp: { ...DP, noiseless: true } } },
    { name: 'an unknown helper role', value: { ...residentsPerDistrict(), helpers: [{ name: 'h', role: 'exact_sum' }] } },
    { name: 'a unit count by rows without a bound', value: { ...residentsPerDistrict(), unitCountByRows: { sql: 'SELECT 1' } } },
    { name: 'a unit count by rows with a negative bound', value: { ...residentsPerDistrict(), unitCountByRows: { sql: 'SELECT 1', decidedAbove: -1 } } },
    { name: 'a unit count by rows with an unknown key', value: { ...residentsPerDistrict(), unitCountByRows: { sql: 'SELECT 1', decidedAbove: 9, exact: false } } },
  ])('refuses $name', ({ value }) => {
    expect(parseCompiledQuery(value)).toBeUndefined();
  });
});

describe('envelopes', () => {
  it('refuse unknown message types and unknown keys', () => {
    expect(ToExecutor({ type: 'query', sql: 'SELECT 1' })).toBeInstanceOf(type.errors);
    expect(ToExecutor({ type: 'interrupt', id: 1, sql: 'SELECT 1' })).toBeInstanceOf(type.errors);
    expect(FromExecutor({ type: 'failure', id: 1, cause: 'Binder Error: column id_card' })).toBeInstanceOf(type.errors);
    expect(FromExecutor({ type: 'failure', id: 1, cause: 'timeout', message: 'x' })).toBeInstanceOf(type.errors);
  });

  it('accept the protocol messages', () => {
    expect(ToExecutor({ type: 'interrupt', id: 1 })).not.toBeInstanceOf(type.errors);
    expect(FromExecutor({ type: 'failure', id: 1, cause: 'timeout' })).not.toBeInstanceOf(type.errors);
  });
});

describe('gated results crossing back', () => {
  const result = {
    columns: [{ name: 'n', type: 'BIGINT', protection: { kind: 'aggregate', fn: 'count', level: 'L2', rounded: true } }],
    rows: [[10]],
    disclosure: { threshold: { k: 10, rounding: 5 }, suppressedGroups: 0, suppressedRows: 0, rounding: 5, kAnonymity: null, truncated: false, rowCount: 1 },
    resultSha256: 'a'.repeat(64),
    timings: { executeMs: 1, gateMs: 1 },
  };

  it('accept JSON values', () => {
    expect(parseGateResult(result)).toBeDefined();
  });

  it('refuse values that are not JSON-safe', () => {
    expect(parseGateResult({ ...result, rows: [[10n]] })).toBeUndefined();
    expect(parseGateResult({ ...result, rows: [[{ id_card: 'x' }]] })).toBeUndefined();
  });
});
