// Generator of transit.card_trips (公交刷卡): five boardings per resident over the second quarter of 2025,
// on lines 1路-30路, by a card population of its own (not linked to residents) whose activity is skewed,
// clustered at the 7-9 and 17-19 rush hours on weekdays (elderly cards off-peak), with fares of 1 or 2
// yuan and the card type's discount.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { CARD_TYPES, HOURLY_BOARDINGS, busLines } from '../../src/domain/transit-network.ts';
import { streamOffset } from '../../src/domain/seeded-random.ts';
import { loadReferenceTable, loadWeightedChoice, slotSql } from '../../src/domain/reference-table.ts';

export const TRIPS_PER_RESIDENT = 5;
export const CARDS_PER_RESIDENT = 0.3;
export const TRIPS_FROM = '2025-04-01';
export const TRIP_DAYS = 91;
/** Elderly cards travel between the peaks: to markets and hospitals in the morning. */
const ELDERLY_HOURS: readonly (readonly [number, number])[] = [[6, 3], [7, 6], [8, 11], [9, 13], [10, 12], [11, 9], [12, 6], [13, 8], [14, 9], [15, 8], [16, 6], [17, 4], [18, 2], [19, 1]];

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const lines = busLines(ctx.seed);
  await loadWeightedChoice(c, 'pick_line', { line: 'VARCHAR', fare: 'DOUBLE', n_stops: 'INTEGER' }, { all: lines.map((l) => [[l.line, l.fare, l.stops.length], l.weight]) });
  await loadReferenceTable(c, 'ref_line_stop', { line: 'VARCHAR', idx: 'INTEGER', stop: 'VARCHAR' }, lines.flatMap((l) => l.stops.map((s, i) => [l.line, i, s])));
  await loadWeightedChoice(c, 'pick_card_type', { card_type: 'VARCHAR', fare_factor: 'DOUBLE' }, { all: CARD_TYPES.map(([t, w, f]) => [[t, f], w]) });
  await loadWeightedChoice(c, 'pick_hour', { hour: 'INTEGER' }, {
    weekday: HOURLY_BOARDINGS.weekday.map(([h, w]) => [[h], w]),
    weekend: HOURLY_BOARDINGS.weekend.map(([h, w]) => [[h], w]),
    elderly: ELDERLY_HOURS.map(([h, w]) => [[h], w]),
  });
  const cards = Math.max(50, Math.ceil(ctx.scale * CARDS_PER_RESIDENT));
  const trips = ctx.scale * TRIPS_PER_RESIDENT;
  const cardOffset = streamOffset(ctx.seed, 'transit.card_no') % 1_000_000_000_000n;
  const u = (stream: string) => ctx.uniform(stream, 't.t');
  await ctx.insert('card_trips', `
    WITH trip AS (
      SELECT t.t,
             -- Activity is skewed: commuters ride daily, most cards occasionally.
             CAST(floor(pow(${u('card')}, 1.6) * ${cards}) AS BIGINT) AS card,
             CAST(DATE '${TRIPS_FROM}' + CAST(floor(${u('day')} * ${TRIP_DAYS}) AS INTEGER) AS DATE) AS day
      FROM range(${trips}) t(t)
    ), typed AS (
      SELECT t.*, ct.card_type, ct.fare_factor,
             CASE WHEN ct.card_type = '老年卡' THEN 'elderly' WHEN dayofweek(t.day) IN (0, 6) THEN 'weekend' ELSE 'weekday' END AS rhythm
      FROM trip t
      JOIN pick_card_type ct ON ct.grp = 'all' AND ct.slot = ${slotSql(ctx.uniform('card_type', 't.card'))}
    ), boarded AS (
      SELECT t.t, t.card, t.card_type, t.fare_factor, ln.line, ln.fare,
             st.stop AS board_stop,
             CAST(t.day AS TIMESTAMP) + to_seconds(CAST(ph.hour * 3600 + floor(${u('second')} * 3600) AS BIGINT)) AS boarded_at
      FROM typed t
      JOIN pick_hour ph ON ph.grp = t.rhythm AND ph.slot = ${slotSql(u('hour'))}
      JOIN pick_line ln ON ln.grp = 'all' AND ln.slot = ${slotSql(u('line'))}
      JOIN ref_line_stop st ON st.line = ln.line AND st.idx = CAST(floor(${u('stop')} * ln.n_stops) AS INTEGER)
    )
    SELECT '2302' || lpad(CAST((card * 7919 + ${cardOffset}) % 1000000000000 AS VARCHAR), 12, '0') AS card_no,
           card_type, line, board_stop, boarded_at,
           CAST(round(fare * fare_factor, 2) AS DECIMAL(6,2)) AS fare
    FROM boarded
    ORDER BY boarded_at, t`);
}

export const generator: DatasetGenerator = { dataset: 'transit', after: [], generate };
