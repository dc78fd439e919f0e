// Generator of transit.card_trips (公交刷卡): five boardings per resident over the second quarter of 2025,
// on lines 1路-30路, by a card population of its own (not linked to residents) whose activity is skewed,
// clustered at the 7-9 and 17-19 rush hours on weekdays (elderly cards off-peak), with fares of 1 or 2
// yuan and the card type's discount.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { CARD_TYPES, HOURLY_BOARDINGS, busLines } from '../../src/domain/transit-network.ts';
import { streamOffset } from '../../src/domain/seeded-random.ts';
import { loadReferenceTable, loadWeightedChoice } from '../../src/domain/reference-table.ts';

export const TRIPS_PER_RESIDENT = 5;
export const CARDS_PER_RESIDENT = 0.3;
export const TRIPS_FROM = '2025-04-01';
export const TRIP_DAYS = 91;
/** Elderly cards travel between the peaks: to markets and hospitals in the morning. */
const ELDERLY_HOURS: readonly (readonly [number, number])[] = [[6, 3], [7, 6], [8, 11], [9, 13], [10, 12], [11, 9], [12, 6], [13, 8], [14, 9], [15, 8], [16, 6], [17, 4], [18, 2], [19, 1]];

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const lines = busLines(ctx.seed);
  const line = await loadWeightedChoice(c, 'pick_line', { line_idx: 'INTEGER', line: 'VARCHAR', fare: 'DOUBLE', n_stops: 'INTEGER' },
    { all: lines.map((l, i) => [[i, l.line, l.fare, l.stops.length], l.weight]) });
  await loadReferenceTable(c, 'ref_line_stop', { key: 'INTEGER', stop: 'VARCHAR' }, lines.flatMap((l, li) => l.stops.map((s, i) => [li * 100 + i, s])));
  const cardType = await loadWeightedChoice(c, 'pick_card_type', { card_type: 'VARCHAR', fare_factor: 'DOUBLE' }, { all: CARD_TYPES.map(([t, w, f]) => [[t, f], w]) });
  // Groups in this order: weekday 0, weekend 1, elderly 2.
  const hour = await loadWeightedChoice(c, 'pick_hour', { hour: 'INTEGER' }, {
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
             -- Trips are numbered day by day, so the table comes out in date order without a sort.
             CAST(DATE '${TRIPS_FROM}' + CAST(t.t * ${TRIP_DAYS} // ${trips} AS INTEGER) AS DATE) AS day
      FROM range(${trips}) t(t)
    ), typed AS (
      SELECT t.*, ct.card_type, ct.fare_factor,
             CASE WHEN ct.card_type = '老年卡' THEN 2 WHEN dayofweek(t.day) IN (0, 6) THEN 1 ELSE 0 END AS rhythm
      FROM trip t
      JOIN pick_card_type ct ON ct.key = ${cardType.key('0', ctx.uniform('card_type', 't.card'))}
    )
    SELECT CAST(2302000000000000 + (t.card * 7919 + ${cardOffset}) % 1000000000000 AS VARCHAR) AS card_no,
           t.card_type, ln.line, st.stop AS board_stop,
           make_timestamp(CAST(t.day - DATE '1970-01-01' AS BIGINT) * 86400000000
             + (ph.hour * 3600 + CAST(floor(${u('second')} * 3600) AS BIGINT)) * 1000000) AS boarded_at,
           CAST(round(ln.fare * t.fare_factor, 2) AS DECIMAL(6,2)) AS fare
    FROM typed t
    JOIN pick_hour ph ON ph.key = ${hour.key('t.rhythm', u('hour'))}
    JOIN pick_line ln ON ln.key = ${line.key('0', u('line'))}
    JOIN ref_line_stop st ON st.key = ln.line_idx * 100 + CAST(floor(${u('stop')} * ln.n_stops) AS INTEGER)`);
}

export const generator: DatasetGenerator = { dataset: 'transit', after: [], generate };
