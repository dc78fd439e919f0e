// The durable store of released dp answers: keys, durability across reopen, damaged lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerKey, DpAnswerStore, type StoredAnswer } from './answer-store.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
const tmpFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-answers-'));
  dirs.push(d);
  return path.join(d, 'state', 'dp-answers.ndjson');
};

const parts = { subject: 'dev', fingerprint: 'f'.repeat(64), epsilon: 1, maxGroups: 1, maxRows: 5, mode: 'aggregate', dataVersion: 'd1', catalogVersion: 'c1' };
const answer = (key: string, n: number): StoredAnswer => ({
  key, lineageId: 'lin-1',
  columns: [{ name: 'n', type: 'BIGINT', protection: { kind: 'aggregate', fn: 'count', level: 'L2', rounded: false } }],
  rows: [[n]], disclosure: { rowCount: 1 }, resultSha256: 'a'.repeat(64),
});

describe('answerKey', () => {
  it.each([
    { name: 'another subject', change: { subject: 'dev2' } },
    { name: 'another query text', change: { fingerprint: 'e'.repeat(64) } },
    { name: 'another ε', change: { epsilon: 0.5 } },
    { name: 'other contribution bounds', change: { maxGroups: 3 } },
    { name: 'another data version', change: { dataVersion: 'd2' } },
  ])('differs for $name', ({ change }) => {
    expect(answerKey({ ...parts, ...change })).not.toBe(answerKey(parts));
  });

  it('is the same for the same parts', () => {
    expect(answerKey({ ...parts })).toBe(answerKey(parts));
  });
});

describe('DpAnswerStore', () => {
  it('returns an answer after a reopen, exactly as stored', async () => {
    const file = tmpFile();
    const store = DpAnswerStore.open(file);
    const key = answerKey(parts);
    await store.put(answer(key, 42));
    expect(store.get(key)?.rows).toEqual([[42]]);
    expect(DpAnswerStore.open(file).get(key)).toEqual(answer(key, 42));
  });

  it('skips a torn or forged line and keeps appending on a fresh line', async () => {
    const file = tmpFile();
    const key = answerKey(parts);
    await DpAnswerStore.open(file).put(answer(key, 1));
    fs.appendFileSync(file, '{"key":"zz","rows":[[1]]}\n{"key":"');
    const store = DpAnswerStore.open(file);
    expect(store.skipped).toBe(2);
    const key2 = answerKey({ ...parts, epsilon: 2 });
    await store.put(answer(key2, 2));
    const again = DpAnswerStore.open(file);
    expect(again.get(key)?.rows).toEqual([[1]]);
    expect(again.get(key2)?.rows).toEqual([[2]]);
  });

  it('refuses to store an answer that does not validate', async () => {
    const store = DpAnswerStore.open(tmpFile());
    await expect(store.put({ ...answer('x', 1) })).rejects.toThrow();
  });
});
