// Generator of utilities.heating_bills (供热缴费) and utilities.power_usage (居民用电). Heating: households
// on the central network (urban neighbourhoods and county seats), three seasons running Oct 15 - Apr 15,
// billed by heated area at the division's price, mostly paid before the season, with persistent and
// occasional arrears. Power: every household's account, twelve billing months with Qiqihar's winter peak.
// Both accounts are held by the household head, a resident.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { streamOffset } from '../../src/domain/seeded-random.ts';

/** Heating seasons billed, and the share of accounts that do not pay in each (older arrears got collected). */
export const HEATING_SEASONS: readonly (readonly [startYear: number, arrears: number])[] = [[2022, 0.03], [2023, 0.04], [2024, 0.06]];
/** Share of households on central heating among urban ones. */
export const HEATED_SHARE = 0.92;
/** Share of heating accounts with an implausibly large area (and so an amount above the catalog bound). */
export const AREA_OUTLIER_RATE = 0.003;
/** First billing month of power usage; twelve months are billed. */
export const POWER_FROM = '2024-07-01';
/** Monthly consumption relative to the yearly mean, January to December: lighting and heaters in winter. */
const POWER_SEASON = [1.38, 1.25, 1.08, 0.94, 0.88, 0.93, 1.08, 1.06, 0.9, 0.95, 1.12, 1.35];
export const POWER_OUTLIER_RATE = 0.0005;

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const heatOffset = streamOffset(ctx.seed, 'utilities.heating_account') % 100_000_000n;
  const powerOffset = streamOffset(ctx.seed, 'utilities.power_account') % 1_000_000_000n;
  // One row per household with a head (the last household may be cut); account numbers are built here,
  // once per household, rather than once per bill.
  await c.run(`
    CREATE OR REPLACE TEMP TABLE account_holder AS
    SELECT hh.h, hh.d_idx, hh.district_code, hh.district, hh.urban, hh.size, p.id_card,
           'RL' || CAST(hh.code_int * 100000000 + (hh.h * 7919 + ${heatOffset}) % 100000000 AS VARCHAR) AS heating_account,
           CAST(3000000000 + (hh.h * 104729 + ${powerOffset}) % 1000000000 AS VARCHAR) AS power_account
    FROM household hh JOIN person p ON p.pk = hh.head_pk
    ORDER BY hh.h`);

  const hu = (stream: string) => ctx.uniform(stream, 'a.h');
  await ctx.insert('heating_bills', `
    WITH heated AS (
      SELECT a.h, a.id_card, a.district, d.heating_price, a.heating_account AS account_no,
             CASE WHEN ${hu('area_outlier')} < ${AREA_OUTLIER_RATE} THEN round(420 + ${hu('area_outlier_size')} * 480, 2)
                  ELSE round(greatest(18, exp(ln(72) + 0.35 * ${ctx.normal('area', 'a.h')})), 2) END AS area_m2,
             ${hu('chronic_debtor')} < 0.025 AS chronic_debtor
      FROM account_holder a JOIN ref_division d ON d.d_idx = a.d_idx
      WHERE a.urban AND ${hu('heated')} < ${HEATED_SHARE}
    ), billed AS (
      -- unnest keeps each account's seasons together and in order (a cross join would not promise that).
      SELECT x.*, [${HEATING_SEASONS.map(([y]) => y).join(', ')}][i + 1] AS start_year, [${HEATING_SEASONS.map(([, a]) => a).join(', ')}][i + 1] AS arrears, x.h * 4 + i AS bk
      FROM (SELECT *, unnest(range(${HEATING_SEASONS.length})) AS i FROM heated) x
    ), settled AS (
      SELECT b.*,
             CASE WHEN b.chronic_debtor THEN ${ctx.uniform('unpaid', 'b.bk')} >= 0.75 ELSE ${ctx.uniform('unpaid', 'b.bk')} >= b.arrears END AS paid
      FROM billed b
    )
    SELECT account_no, id_card, district,
           CAST(start_year AS VARCHAR) || '-' || CAST(start_year + 1 AS VARCHAR) AS season,
           area_m2,
           CAST(round(area_m2 * heating_price, 2) AS DECIMAL(10,2)) AS amount_due,
           paid,
           CASE WHEN NOT paid THEN NULL
                -- Most pay in the pre-season collection drive (Sep 1 - Nov 14), the rest during the season.
                WHEN ${ctx.uniform('pay_early', 'bk')} < 0.78 THEN CAST(make_date(start_year, 9, 1) + CAST(floor(${ctx.uniform('pay_day', 'bk')} * 75) AS INTEGER) AS DATE)
                ELSE CAST(make_date(start_year, 11, 15) + CAST(floor(${ctx.uniform('pay_day', 'bk')} * 151) AS INTEGER) AS DATE)
           END AS paid_on
    FROM settled`);

  await ctx.insert('power_usage', `
    WITH metered AS (
      SELECT a.h, a.id_card, a.district, a.power_account AS account_no,
             (55 + 38 * a.size) * CASE WHEN a.urban THEN 1.0 ELSE 0.85 END * exp(0.45 * ${ctx.normal('household_use', 'a.h')}) AS mean_kwh,
             ${hu('vacant')} < 0.04 AS vacant
      FROM account_holder a
    ), monthly AS (
      SELECT m.*, CAST(DATE '${POWER_FROM}' + INTERVAL (i) MONTH AS DATE) AS month, m.h * 16 + i AS mk
      FROM (SELECT *, unnest(range(12)) AS i FROM metered) m
    )
    SELECT account_no, id_card, district, month,
           CASE
             WHEN ${ctx.uniform('kwh_outlier', 'mk')} < ${POWER_OUTLIER_RATE} THEN round(5000 + ${ctx.uniform('kwh_outlier_size', 'mk')} * 10000, 1)
             WHEN vacant THEN round(${ctx.uniform('vacant_kwh', 'mk')} * 12, 1)
             ELSE round(mean_kwh * ${JSON.stringify(POWER_SEASON)}[month(month)] * exp(0.12 * ${ctx.normal('month_use', 'mk')}), 1)
           END AS kwh
    FROM monthly`);
  await c.run('DROP TABLE account_holder');
}

export const generator: DatasetGenerator = { dataset: 'utilities', after: ['population'], generate };
