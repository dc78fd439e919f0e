// Heating bills and power usage as generated: account holders are residents in their district, heating
// seasons and arrears, monthly power with a winter peak, and bounds respected by nearly every row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

describe('utilities.heating_bills', () => {
  it('bills residents in their own district, one bill per account and season', async () => {
    const [row] = await db.rows(`
      SELECT count(*) AS bills, count(r.id_card) AS matched, bool_and(r.district = b.district) AS same_district,
             count(DISTINCT (account_no, season)) AS distinct_bills, list(DISTINCT season ORDER BY season) AS seasons
      FROM utilities.heating_bills b LEFT JOIN population.residents r ON r.id_card = b.id_card`);
    expect(row?.matched).toBe(row?.bills);
    expect(row?.same_district).toBe(true);
    expect(row?.distinct_bills).toBe(row?.bills);
    expect(row?.seasons).toEqual(['2022-2023', '2023-2024', '2024-2025']);
  });

  it('has some arrears, with paid_on NULL exactly when unpaid and payments within the collection window', async () => {
    const [row] = await db.rows(`
      SELECT avg(CASE WHEN paid THEN 0 ELSE 1 END) AS arrears, bool_and((paid_on IS NULL) = (NOT paid)) AS consistent,
             bool_and(paid_on IS NULL OR (paid_on >= make_date(CAST(substr(season, 1, 4) AS INTEGER), 9, 1)
                                          AND paid_on < make_date(CAST(substr(season, 6, 4) AS INTEGER), 4, 15))) AS in_window,
             avg(CASE WHEN area_m2 BETWEEN 10 AND 400 AND amount_due BETWEEN 0 AND 20000 THEN 1 ELSE 0 END) AS in_bounds
      FROM utilities.heating_bills`);
    expect(Number(row?.arrears)).toBeGreaterThan(0.01);
    expect(Number(row?.arrears)).toBeLessThan(0.15);
    expect(row?.consistent).toBe(true);
    expect(row?.in_window).toBe(true);
    expect(Number(row?.in_bounds)).toBeGreaterThan(0.98);
  });
});

describe('utilities.power_usage', () => {
  it('has twelve first-of-month readings per account, by a resident, peaking in winter', async () => {
    const [row] = await db.rows(`
      SELECT count(DISTINCT account_no) AS accounts, count(*) AS readings, bool_and(day(month) = 1) AS first_days,
             (SELECT count(*) FROM utilities.power_usage p LEFT JOIN population.residents r USING (id_card) WHERE r.id_card IS NULL) AS orphans,
             avg(kwh) FILTER (WHERE month(month) IN (12, 1)) / avg(kwh) FILTER (WHERE month(month) IN (5, 9)) AS winter_ratio,
             avg(CASE WHEN kwh BETWEEN 0 AND 5000 THEN 1 ELSE 0 END) AS in_bounds
      FROM utilities.power_usage`);
    expect(Number(row?.readings)).toBe(Number(row?.accounts) * 12);
    expect(row?.first_days).toBe(true);
    expect(Number(row?.orphans)).toBe(0);
    expect(Number(row?.winter_ratio)).toBeGreaterThan(1.2);
    expect(Number(row?.in_bounds)).toBeGreaterThan(0.995);
  });
});
