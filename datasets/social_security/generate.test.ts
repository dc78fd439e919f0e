// Social insurance enrolment as generated: insured persons are residents aged 16+, employees name a valid
// employer credit code, and monthly bases respect the catalog bound on nearly every row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../../src/domain/gb32100.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

describe('social_security.insured', () => {
  it('enrols about four in five residents, all aged 16 or over when they started', async () => {
    const [row] = await db.rows(`
      SELECT count(*) AS insured, count(r.id_card) AS matched, count(DISTINCT i.id_card) AS people,
             bool_and(i.start_date >= r.birth_date + INTERVAL 16 YEAR AND i.start_date <= DATE '${DATA_AS_OF}') AS dated
      FROM social_security.insured i LEFT JOIN population.residents r ON r.id_card = i.id_card`);
    expect(row?.matched).toBe(row?.insured);
    expect(row?.people).toBe(row?.insured);
    expect(Number(row?.insured) / 2000).toBeGreaterThan(0.7);
    expect(Number(row?.insured) / 2000).toBeLessThan(0.9);
    expect(row?.dated).toBe(true);
  });

  it('names a valid employer credit code for employees and none for the residents scheme', async () => {
    const rows = await db.rows(`SELECT insurance_type, employer_credit_code AS code FROM social_security.insured`);
    const employees = rows.filter((r) => r.insurance_type !== '城乡居民基本养老保险');
    expect(employees.length).toBeGreaterThan(100);
    expect(employees.every((r) => typeof r.code === 'string' && isValidCreditCode(r.code))).toBe(true);
    expect(rows.filter((r) => r.insurance_type === '城乡居民基本养老保险').every((r) => r.code === null)).toBe(true);
  });

  it('keeps monthly_base within [0, 50000] for nearly every row, most employees at or above the minimum', async () => {
    const [row] = await db.rows(`
      SELECT avg(CASE WHEN monthly_base BETWEEN 0 AND 50000 THEN 1 ELSE 0 END) AS in_bounds,
             avg(CASE WHEN monthly_base >= 4406 THEN 1 ELSE 0 END) FILTER (WHERE insurance_type <> '城乡居民基本养老保险') AS above_minimum
      FROM social_security.insured`);
    expect(Number(row?.in_bounds)).toBeGreaterThan(0.99);
    expect(Number(row?.above_minimum)).toBe(1);
  });
});
