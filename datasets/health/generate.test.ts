// Medical claims as generated: every claimant a resident, visits after birth, ICD-10 chapters, costs with a
// heavy tail, reimbursement within cost, and the catalog bounds respected by nearly every row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITALS } from '../../src/domain/hospitals.ts';
import { CLAIMS_FROM } from './generate.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

describe('health.medical_claims', () => {
  it('has about ten claims per resident, each by a resident, after their birth and within the period', async () => {
    const [row] = await db.rows(`
      SELECT count(*) AS claims, count(r.id_card) AS matched, bool_and(c.visit_date > r.birth_date) AS after_birth,
             bool_and(c.visit_date BETWEEN DATE '${CLAIMS_FROM}' AND DATE '${DATA_AS_OF}') AS in_period,
             count(DISTINCT c.claim_id) AS ids
      FROM health.medical_claims c LEFT JOIN population.residents r ON r.id_card = c.id_card`);
    expect(Number(row?.claims)).toBeGreaterThan(2000 * 7);
    expect(Number(row?.claims)).toBeLessThan(2000 * 14);
    expect(row?.matched).toBe(row?.claims);
    expect(row?.after_birth).toBe(true);
    expect(row?.in_period).toBe(true);
    expect(row?.ids).toBe(row?.claims);
  });

  it('uses ICD-10 codes whose chapter letter is diagnosis_group, and listed hospitals with their level', async () => {
    const [row] = await db.rows(`
      SELECT bool_and(diagnosis_group = substr(diagnosis_code, 1, 1)) AS grouped,
             bool_and(regexp_full_match(diagnosis_code, '[A-Z][0-9]{2}(\\.[0-9])?')) AS icd10,
             list(DISTINCT hospital_code || '/' || hospital_level) AS hospitals
      FROM health.medical_claims`);
    expect(row?.grouped).toBe(true);
    expect(row?.icd10).toBe(true);
    const known = new Set(HOSPITALS.map((h) => `${h.code}/${h.level}`));
    expect((row?.hospitals as string[]).every((h) => known.has(h))).toBe(true);
  });

  it('has a heavy-tailed cost (mean well above median), reimbursed never above cost, bounds respected by nearly all', async () => {
    const [row] = await db.rows(`
      SELECT avg(total_cost) / median(total_cost) AS skew, bool_and(reimbursed <= total_cost AND reimbursed >= 0) AS covered,
             avg(CASE WHEN total_cost <= 500000 THEN 1 ELSE 0 END) AS in_bounds, min(total_cost) > 0 AS positive
      FROM health.medical_claims`);
    expect(Number(row?.skew)).toBeGreaterThan(3);
    expect(row?.covered).toBe(true);
    expect(row?.positive).toBe(true);
    expect(Number(row?.in_bounds)).toBeGreaterThan(0.999);
  });

  it('gives the elderly more claims than working-age adults, and no pregnancies to men', async () => {
    const [row] = await db.rows(`
      WITH per AS (SELECT r.id_card, date_diff('year', r.birth_date, DATE '${DATA_AS_OF}') AS age, r.gender, count(c.claim_id) AS n
                   FROM population.residents r LEFT JOIN health.medical_claims c ON c.id_card = r.id_card GROUP BY ALL)
      SELECT avg(n) FILTER (WHERE age >= 65) AS elderly, avg(n) FILTER (WHERE age BETWEEN 20 AND 44) AS adults,
             (SELECT count(*) FROM health.medical_claims c JOIN population.residents r USING (id_card) WHERE r.gender = '男' AND c.diagnosis_group = 'O') AS male_pregnancies
      FROM per`);
    expect(Number(row?.elderly)).toBeGreaterThan(Number(row?.adults) * 2);
    expect(Number(row?.male_pregnancies)).toBe(0);
  });
});
