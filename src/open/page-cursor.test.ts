// Cursor round trips and refusals: a cursor is trusted only for the table it names and only with a key of the
// declared shape.
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../test/support/thrown-code.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

const CODE = /^[0-9A-Z]{18}$/;
describe('page cursor', () => {
  it('round-trips a keyset position and an hour window', () => {
    expect(decodeCursor(encodeCursor('market.enterprises', { after: '91230202MAFFPTNY8X' }), 'market.enterprises', CODE)).toEqual({ after: '91230202MAFFPTNY8X' });
    expect(decodeCursor(encodeCursor('transit.card_trips', { hour: 7 }), 'transit.card_trips', undefined)).toEqual({ hour: 7 });
  });

  it.each([
    { name: 'garbage', cursor: '!!!' },
    { name: 'not base64 JSON', cursor: 'aGVsbG8' },
    { name: 'too long', cursor: 'A'.repeat(600) },
    { name: 'another table', cursor: encodeCursor('market.other', { after: '91230202MAFFPTNY8X' }) },
    { name: 'a key that could smuggle SQL', cursor: encodeCursor('market.enterprises', { after: "x' OR 1=1 --" }) },
    { name: 'an hour on a keyset table', cursor: encodeCursor('market.enterprises', { hour: 3 }) },
    { name: 'an extra field', cursor: Buffer.from(JSON.stringify({ v: 1, t: 'market.enterprises', after: '91230202MAFFPTNY8X', x: 1 })).toString('base64url') },
  ])('refuses $name with BAD_REQUEST', ({ cursor }) => {
    expect(codeOf(() => decodeCursor(cursor, 'market.enterprises', CODE))).toBe('BAD_REQUEST');
  });

  it('refuses a key on an hour-windowed table and an hour out of range', () => {
    expect(codeOf(() => decodeCursor(encodeCursor('transit.card_trips', { after: 'A' }), 'transit.card_trips', undefined))).toBe('BAD_REQUEST');
    expect(codeOf(() => decodeCursor(encodeCursor('transit.card_trips', { hour: 24 }), 'transit.card_trips', undefined))).toBe('BAD_REQUEST');
  });
});
