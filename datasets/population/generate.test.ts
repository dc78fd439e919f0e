// The population register as generated: valid and consistent ID numbers on every row, Qiqihar's divisions,
// households, phones, and the demographic shape analysts will check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIdNumber } from '../../src/domain/gb11643.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';
import { MOBILE_PREFIXES } from '../../src/domain/people.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

const share = (rows: Record<string, unknown>[], key: string, value: string) =>
  Number(rows.find((r) => r[key] === value)?.n ?? 0) / rows.reduce((s, r) => s + Number(r.n), 0);

describe('population.residents', () => {
  it('has a valid GB 11643 ID number on every row, matching birth_date and gender, and unique', async () => {
    const rows = await db.rows(`SELECT id_card, CAST(birth_date AS VARCHAR) AS birth_date, gender FROM population.residents`);
    expect(rows).toHaveLength(2000);
    const bad = rows.filter((r) => {
      const p = parseIdNumber(String(r.id_card));
      return !p || p.birthDate !== r.birth_date || p.gender !== r.gender;
    });
    expect(bad).toEqual([]);
    expect(new Set(rows.map((r) => r.id_card)).size).toBe(rows.length);
  });

  it('takes most birth-place codes from Qiqihar and the rest from real divisions elsewhere', async () => {
    const [row] = await db.rows(`
      SELECT avg(CASE WHEN substr(id_card, 1, 6) IN (${QIQIHAR_DIVISIONS.map((d) => `'${d.code}'`).join(', ')}) THEN 1 ELSE 0 END) AS local
      FROM population.residents`);
    expect(Number(row?.local)).toBeGreaterThan(0.85);
    expect(Number(row?.local)).toBeLessThan(0.99);
  });

  it('places residents in the 16 divisions, weighted to the urban districts, with addresses in their district', async () => {
    const rows = await db.rows(`SELECT district, count(*) AS n, bool_and(starts_with(address, district)) AS addressed FROM population.residents GROUP BY district`);
    const names = QIQIHAR_DIVISIONS.map((d) => d.name);
    expect(rows.map((r) => r.district).sort()).toEqual([...names].sort());
    expect(rows.every((r) => r.addressed === true)).toBe(true);
    const biggest = [...rows].sort((a, b) => Number(b.n) - Number(a.n))[0]?.district;
    expect(['龙沙区', '建华区', '铁锋区', '龙江县', '讷河市']).toContain(biggest);
    expect(share(rows, 'district', '龙沙区')).toBeGreaterThan(share(rows, 'district', '昂昂溪区') * 3);
  });

  it('is mostly 汉族, with 达斡尔族 most concentrated in 梅里斯达斡尔族区', async () => {
    const eth = await db.rows(`SELECT ethnicity, count(*) AS n FROM population.residents GROUP BY ethnicity`);
    expect(share(eth, 'ethnicity', '汉族')).toBeGreaterThan(0.88);
    expect(share(eth, 'ethnicity', '汉族')).toBeLessThan(0.98);
    const daur = await db.rows(`SELECT district, avg(CASE WHEN ethnicity = '达斡尔族' THEN 1 ELSE 0 END) AS s FROM population.residents GROUP BY district ORDER BY s DESC`);
    expect(daur[0]?.district).toBe('梅里斯达斡尔族区');
  });

  it('has an ageing pyramid: few children, about a quarter aged 60 and over', async () => {
    const [row] = await db.rows(`
      SELECT avg(CASE WHEN age < 15 THEN 1 ELSE 0 END) AS children, avg(CASE WHEN age >= 60 THEN 1 ELSE 0 END) AS elderly,
             min(birth_date) >= DATE '1920-01-01' AND max(birth_date) <= DATE '${DATA_AS_OF}' AS plausible
      FROM (SELECT birth_date, date_diff('year', birth_date, DATE '${DATA_AS_OF}') AS age FROM population.residents)`);
    expect(Number(row?.children)).toBeGreaterThan(0.05);
    expect(Number(row?.children)).toBeLessThan(0.14);
    expect(Number(row?.elderly)).toBeGreaterThan(0.2);
    expect(Number(row?.elderly)).toBeLessThan(0.34);
    expect(row?.plausible).toBe(true);
  });

  it('uses 男/女, 11-digit mobile numbers with real prefixes, and registration dates after birth', async () => {
    const [row] = await db.rows(`
      SELECT bool_and(gender IN ('男', '女')) AS genders,
             bool_and(phone IS NULL OR regexp_full_match(phone, '1[3-9][0-9]{9}')) AS phones,
             list(DISTINCT substr(phone, 1, 3)) FILTER (WHERE phone IS NOT NULL) AS prefixes,
             bool_and(registered_on >= birth_date AND registered_on <= DATE '${DATA_AS_OF}') AS registered
      FROM population.residents`);
    expect(row?.genders).toBe(true);
    expect(row?.phones).toBe(true);
    expect(row?.registered).toBe(true);
    const real = new Set(MOBILE_PREFIXES.map(([p]) => p));
    expect((row?.prefixes as string[]).every((p) => real.has(p))).toBe(true);
  });

  it('groups residents into households that share a district and an address', async () => {
    const [row] = await db.rows(`
      SELECT count(*) AS households, avg(n) AS mean_size, bool_and(districts = 1 AND addresses = 1) AS coherent
      FROM (SELECT household_id, count(*) AS n, count(DISTINCT district) AS districts, count(DISTINCT address) AS addresses
            FROM population.residents GROUP BY household_id)`);
    expect(row?.coherent).toBe(true);
    expect(Number(row?.mean_size)).toBeGreaterThan(1.8);
    expect(Number(row?.mean_size)).toBeLessThan(3);
  });
});
