// The keyed pseudonym: HMAC-SHA256 per RFC 2104, keyed per license.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PSEUDONYM_PREFIX, pseudonymizer, pseudonymKey } from './pseudonym.ts';

describe('the pseudonymizer', () => {
  it.each([
    { name: 'a 32-byte derived key', key: pseudonymKey(new Uint8Array(32).fill(5), 'dev-1') },
    { name: 'a key longer than the block', key: new Uint8Array(100).fill(7) },
    { name: 'a short key', key: new Uint8Array([1, 2, 3]) },
  ])('computes exactly HMAC-SHA256 with $name', ({ key }) => {
    const p = pseudonymizer(key);
    for (const v of ['230202199001011234', '', '欧阳修', 'a'.repeat(300), '😀']) {
      const expected = PSEUDONYM_PREFIX + createHmac('sha256', key).update(v, 'utf8').digest('hex').slice(0, 16);
      expect(p(v)).toBe(expected);
    }
  });

  it('derives the license key as HMAC(serverSecret, "dsbx-pseudonym:" + subject)', () => {
    const secret = new Uint8Array(32).fill(9);
    expect(Buffer.from(pseudonymKey(secret, 'dev-1')).toString('hex')).toBe(createHmac('sha256', secret).update('dsbx-pseudonym:dev-1').digest('hex'));
  });
});
