// The revocation list is read from revoked.json, re-read when the file changes, and fails closed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRevocationList, RevocationListError } from './revocation.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-revoked-'));
  file = path.join(dir, 'revoked.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the revocation list', () => {
  it('revokes nothing when the file is missing', () => {
    expect(createRevocationList(file).isRevoked('j1', 's1')).toBe(false);
  });

  it('revokes listed token ids and listed subjects', () => {
    fs.writeFileSync(file, JSON.stringify({ jti: ['j1'], sub: ['s2'] }));
    const list = createRevocationList(file);
    expect(list.isRevoked('j1', 'other')).toBe(true);
    expect(list.isRevoked('other', 's2')).toBe(true);
    expect(list.isRevoked('j3', 's3')).toBe(false);
  });

  it('sees a change to the file on the next check', () => {
    const list = createRevocationList(file);
    expect(list.isRevoked('j1', 's')).toBe(false);
    fs.writeFileSync(file, JSON.stringify({ jti: ['j1'] }));
    expect(list.isRevoked('j1', 's')).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ jti: ['j2'] }));
    expect(list.isRevoked('j1', 's')).toBe(false);
    fs.rmSync(file);
    expect(list.isRevoked('j2', 's')).toBe(false);
  });

  it.each([
    { name: 'not JSON', text: '{jti:' },
    { name: 'a list where an object belongs', text: '["j1"]' },
    { name: 'a string where a list belongs', text: '{"jti":"j1"}' },
    { name: 'an unknown key', text: '{"jtis":["j1"]}' },
  ])('throws RevocationListError when the file is $name', ({ text }) => {
    fs.writeFileSync(file, text);
    expect(() => createRevocationList(file).isRevoked('j1', 's')).toThrow(RevocationListError);
  });
});
