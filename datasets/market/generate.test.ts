// The enterprise register as generated: valid GB 32100 codes in Qiqihar's divisions, GB/T 4754 sections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../../src/domain/gb32100.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';
import { INDUSTRY_SECTIONS } from '../../src/domain/industries.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

describe('market.enterprises', () => {
  it('has unique, valid unified social credit codes whose division is the enterprise district', async () => {
    const rows = await db.rows(`SELECT credit_code, name, district, industry, status FROM market.enterprises`);
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => isValidCreditCode(String(r.credit_code)))).toBe(true);
    expect(new Set(rows.map((r) => r.credit_code)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    const byCode = new Map(QIQIHAR_DIVISIONS.map((d) => [d.code, d.name]));
    expect(rows.every((r) => byCode.get(String(r.credit_code).slice(2, 8)) === r.district)).toBe(true);
    const sections = new Set(INDUSTRY_SECTIONS.map((s) => s.name));
    expect(rows.every((r) => sections.has(String(r.industry)))).toBe(true);
    expect(rows.filter((r) => r.status === '存续').length).toBeGreaterThan(rows.length / 2);
  });
});
