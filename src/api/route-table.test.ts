// The response check of the route table: the same answers as the response schema itself (valid, stripped
// or refused), without cloning answers that have nothing to strip.
import { describe, expect, it } from 'vitest';
import { type } from 'arktype';
import { QueryResponseSchema } from './query-response.ts';
import { responseChecker } from './route-table.ts';

const answer = () => ({
  queryId: 'q1',
  lineageId: 'l1',
  columns: [
    { name: 'district', type: 'VARCHAR', protection: { kind: 'group_key', level: 'L2', generalized: false } },
    { name: 'n', type: 'BIGINT', protection: { kind: 'aggregate', fn: 'count', level: 'L2', rounded: true } },
  ],
  rows: [['north', 120], ['south', 95]] as (string | number)[][],
  disclosure: { threshold: { k: 10, rounding: 5 }, suppressedGroups: 0, suppressedRows: 0, rounding: 5, kAnonymity: null, truncated: false, rowCount: 2 },
});

describe('responseChecker', () => {
  it('passes an answer that matches its schema exactly through as the same object (no copy of the rows)', () => {
    const check = responseChecker(QueryResponseSchema);
    const a = answer();
    expect(check(a)).toBe(a);
    expect(check(a)).toEqual(QueryResponseSchema(answer()));
  });

  it('strips undeclared keys at any depth, as the schema itself does, without touching the handler object', () => {
    const check = responseChecker(QueryResponseSchema);
    const a = {
      ...answer(),
      secret: '230202199001011234',
      disclosure: { ...answer().disclosure, internal: 1 },
    };
    a.columns[0] = { ...a.columns[0]!, protection: { ...a.columns[0]!.protection, raw: 'x' } as never };
    const out = check(a);
    expect(out).not.toBeInstanceOf(type.errors);
    expect(out).toEqual(answer());
    expect(JSON.stringify(out)).not.toContain('230202199001011234');
    expect(a.secret).toBe('230202199001011234');
  });

  it('refuses invalid values, with or without undeclared keys beside them', () => {
    const check = responseChecker(QueryResponseSchema);
    const badCell = answer();
    (badCell.rows[0] as unknown[])[1] = { nested: true };
    expect(check(badCell)).toBeInstanceOf(type.errors);
    const badKind = { ...answer(), extra: 1 };
    badKind.columns[1] = { ...badKind.columns[1]!, protection: { kind: 'unknown', level: 'L2' } as never };
    expect(check(badKind)).toBeInstanceOf(type.errors);
    expect(check(null)).toBeInstanceOf(type.errors);
    const missing: Partial<ReturnType<typeof answer>> = answer();
    delete missing.disclosure;
    expect(check(missing)).toBeInstanceOf(type.errors);
  });

  it('keeps the undeclared keys of a schema that ignores them, and checks what it declares', () => {
    const schema = type({ n: 'number' });
    const check = responseChecker(schema);
    expect(check({ n: 1, extra: 'kept' })).toEqual({ n: 1, extra: 'kept' });
    expect(check({ n: 'one' })).toBeInstanceOf(type.errors);
  });

  it('applies the morphs of a schema that has them (its output differs from its input)', () => {
    const schema = type({ n: type('string').pipe((s) => s.length), '+': 'delete' });
    const check = responseChecker(schema);
    expect(check({ n: 'abcd' })).toEqual({ n: 4 });
    expect(check({ n: 'ab', extra: 1 })).toEqual({ n: 2 });
    expect(check({ n: 3 })).toBeInstanceOf(type.errors);
  });
});
