// The release fingerprint must be the SHA-256 of exactly the RFC 8785 canonical JSON, whatever the values.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { resultSha256 } from './result-hash.ts';
import type { ReleasedColumn, ReleasedValue } from './types.ts';

const columns: ReleasedColumn[] = [
  { name: 'a', type: 'VARCHAR', protection: { kind: 'group_key', level: 'L2', generalized: false } },
  { name: 'b', type: 'BIGINT', protection: { kind: 'aggregate', fn: 'count', level: 'L2', rounded: true } },
];
const reference = (rows: ReleasedValue[][]): string =>
  createHash('sha256').update(canonicalize({ columns, rows }) as string).digest('hex');

describe('resultSha256', () => {
  it.each([
    { name: 'no rows', rows: [] },
    { name: 'plain values', rows: [['龙沙区', 10], ['建华区', 15]] },
    { name: 'awkward strings', rows: [['quote " backslash \\ newline \n tab \t', 1], ['\u0001\u001f', 2], ['😀 \u2028', 3]] },
    { name: 'awkward numbers', rows: [['x', -0], ['y', 1e21], ['z', 1.5e-7], ['w', 0.1 + 0.2]] },
    { name: 'nulls and booleans', rows: [[null, true], ['v', false]] },
    { name: 'many rows across batches', rows: Array.from({ length: 20_000 }, (_, i) => [`行${i}`, i]) },
  ])('matches the canonical JSON of the release with $name', ({ rows }) => {
    expect(resultSha256(columns, rows as ReleasedValue[][])).toBe(reference(rows as ReleasedValue[][]));
  });
});
