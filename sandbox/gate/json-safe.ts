// Last gate step: make every value JSON-safe. Integers beyond 2^53 become decimal strings (a JSON number
// would silently lose digits); dates and timestamps were already ISO strings when read.
import type { GateValue, ReleasedValue } from './types.ts';

export const jsonSafeValue = (v: GateValue): ReleasedValue => {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
};

export const jsonSafeRows = (rows: readonly GateValue[][]): ReleasedValue[][] => rows.map((row) => row.map(jsonSafeValue));
