// Bus card trips as generated: rush-hour clustering, Qiqihar lines and stops, fares by card type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOPS } from '../../src/domain/transit-network.ts';
import { cachedDomainFile, readDomain, type DomainReader } from '../../test/support/domain.ts';

let db: DomainReader;
beforeAll(async () => {
  db = await readDomain(await cachedDomainFile());
});
afterAll(() => db.close());

describe('transit.card_trips', () => {
  it('has five trips per resident, clustered at the 7-9 and 17-19 rush hours on weekdays', async () => {
    const [row] = await db.rows(`
      SELECT count(*) AS trips,
             avg(CASE WHEN hour(boarded_at) IN (7, 8, 17, 18) THEN 1 ELSE 0 END) FILTER (WHERE dayofweek(boarded_at) BETWEEN 1 AND 5) AS rush
      FROM transit.card_trips`);
    expect(Number(row?.trips)).toBe(10_000);
    // Four of the seventeen service hours carry well over their 24 % share.
    expect(Number(row?.rush)).toBeGreaterThan(0.38);
  });

  it('runs lines 1路 to 30路 through the known stops, with fares of 1 or 2 yuan and card discounts', async () => {
    const [row] = await db.rows(`
      SELECT list(DISTINCT line) AS lines, list(DISTINCT board_stop) AS stops,
             bool_and(CASE card_type WHEN '普通卡' THEN fare IN (1.00, 2.00) WHEN '学生卡' THEN fare IN (0.50, 1.00) ELSE fare = 0 END) AS fares,
             bool_and(regexp_full_match(card_no, '[0-9]{16}')) AS card_numbers,
             count(DISTINCT card_no) < count(*) / 2 AS cards_reused
      FROM transit.card_trips`);
    expect((row?.lines as string[]).every((l) => /^([1-9]|[12][0-9]|30)路$/.test(l))).toBe(true);
    expect((row?.stops as string[]).every((s) => STOPS.includes(s))).toBe(true);
    expect(row?.fares).toBe(true);
    expect(row?.card_numbers).toBe(true);
    expect(row?.cards_reused).toBe(true);
  });
});
