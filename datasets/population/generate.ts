// Generator of population.residents (户籍人口): households placed in Qiqihar's divisions, members with an
// ageing age pyramid, district-dependent ethnic mix, names, GB 11643 ID numbers and mobile numbers.
// Everything is computed inside DuckDB from hash streams keyed by household and person, joining small
// weighted-choice tables on integer keys and building each string once, so that a million residents
// take seconds; the same seed gives the same rows in the same order.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { COMMUNITIES, DEFAULT_ETHNICITY, MIGRANT_BIRTHPLACES, QIQIHAR_DIVISIONS, VILLAGES } from '../../src/domain/divisions.ts';
import { AGE_PYRAMID, ETHNIC_SURNAMES, HAN_SURNAMES, HOUSEHOLD_SIZES, MOBILE_PREFIXES, givenNamePools } from '../../src/domain/people.ts';
import { areaWeightedSum, idCheckCharSql } from '../../src/domain/gb11643.ts';
import { loadReferenceTable, loadWeightedChoice, type WeightedChoice } from '../../src/domain/reference-table.ts';

/** Mean household size implied by HOUSEHOLD_SIZES, used to size the household draw. */
const MEAN_SIZE = HOUSEHOLD_SIZES.reduce((s, [n, w]) => s + n * w, 0) / HOUSEHOLD_SIZES.reduce((s, [, w]) => s + w, 0);

/**
 * Age bands for members other than the head and spouse. Heads and spouses are adults, so the others
 * (children, parents, grandchildren) are drawn from the pyramid minus the adults' part, rescaled: the
 * whole register then follows AGE_PYRAMID rather than having too few children.
 */
export function dependantPyramid(): [number, number][] {
  const sizeTotal = HOUSEHOLD_SIZES.reduce((s, [, w]) => s + w, 0);
  const couples = 1 + HOUSEHOLD_SIZES.filter(([n]) => n >= 2).reduce((s, [, w]) => s + w, 0) / sizeTotal;
  const f = couples / MEAN_SIZE;
  const total = AGE_PYRAMID.reduce((s, [, w]) => s + w, 0);
  const adultTotal = AGE_PYRAMID.filter(([a]) => a >= 20).reduce((s, [, w]) => s + w, 0);
  return AGE_PYRAMID.map(([a, w]) => [a, Math.max(0, w / total - (a >= 20 ? (f * w) / adultTotal : 0)) / (1 - f)]);
}

/** Every ethnicity any division's mix names, in a fixed order (its index is the surname group). */
export const ETHNICITIES: readonly string[] = [...new Set([DEFAULT_ETHNICITY, ...QIQIHAR_DIVISIONS.map((d) => d.ethnicity ?? {})].flatMap((e) => Object.keys(e)))];

interface Choices {
  division: WeightedChoice; size: WeightedChoice; age: WeightedChoice; ethnicity: WeightedChoice;
  surname: WeightedChoice; given: WeightedChoice; phone: WeightedChoice; birthplace: WeightedChoice;
}

async function loadReferences(ctx: GenerationContext): Promise<Choices> {
  const c = ctx.connection;
  // Shared with the utilities generator (heating prices) and health (hospitals by division index).
  await loadReferenceTable(c, 'ref_division', {
    d_idx: 'INTEGER', code: 'VARCHAR', code_int: 'BIGINT', name: 'VARCHAR', kind: 'VARCHAR', urban_share: 'DOUBLE',
    heating_price: 'DOUBLE', n_towns: 'INTEGER', n_streets: 'INTEGER', area_wsum: 'INTEGER',
  }, QIQIHAR_DIVISIONS.map((d, i) => [i, d.code, Number(d.code), d.name, d.kind, d.urbanShare, d.heatingPrice, d.towns.length, d.streets.length, areaWeightedSum(d.code)]));
  await loadReferenceTable(c, 'ref_town', { key: 'INTEGER', town: 'VARCHAR' }, QIQIHAR_DIVISIONS.flatMap((d, di) => d.towns.map((t, i) => [di * 100 + i, t])));
  await loadReferenceTable(c, 'ref_street', { key: 'INTEGER', street: 'VARCHAR' }, QIQIHAR_DIVISIONS.flatMap((d, di) => d.streets.map((s, i) => [di * 100 + i, s])));
  await loadReferenceTable(c, 'ref_community', { idx: 'INTEGER', name: 'VARCHAR' }, COMMUNITIES.map((n, i) => [i, n]));
  await loadReferenceTable(c, 'ref_village', { idx: 'INTEGER', name: 'VARCHAR' }, VILLAGES.map((n, i) => [i, n]));

  const surnameGroups: Record<string, [string[], number][]> = {};
  const hanTotal = HAN_SURNAMES.reduce((s, [, w]) => s + w, 0);
  for (const eth of ETHNICITIES) {
    const own = ETHNIC_SURNAMES[eth];
    const ownTotal = own?.reduce((s, [, w]) => s + w, 0) ?? 0;
    // Minorities in the Northeast largely carry Han surnames too: 60 % the group's own, 40 % the Han mix.
    surnameGroups[eth] = own
      ? [...own.map(([n, w]): [string[], number] => [[n], (0.6 * w) / ownTotal]), ...HAN_SURNAMES.map(([n, w]): [string[], number] => [[n], (0.4 * w) / hanTotal])]
      : HAN_SURNAMES.map(([n, w]) => [[n], w]);
  }
  const pools = givenNamePools();
  return {
    division: await loadWeightedChoice(c, 'pick_division', { d_idx: 'INTEGER' }, { all: QIQIHAR_DIVISIONS.map((d, i) => [[i], d.weight]) }),
    size: await loadWeightedChoice(c, 'pick_size', { size: 'INTEGER' }, { all: HOUSEHOLD_SIZES.map(([n, w]) => [[n], w]) }),
    age: await loadWeightedChoice(c, 'pick_age', { age_from: 'INTEGER' }, {
      dependant: dependantPyramid().map(([a, w]) => [[a], w]),
      // Household heads: adults only (no one-person household of a child).
      adult: AGE_PYRAMID.filter(([a]) => a >= 20).map(([a, w]) => [[a], w]),
    }),
    ethnicity: await loadWeightedChoice(c, 'pick_ethnicity', { eth_idx: 'INTEGER', ethnicity: 'VARCHAR' },
      Object.fromEntries(QIQIHAR_DIVISIONS.map((d) => [d.code, Object.entries(d.ethnicity ?? DEFAULT_ETHNICITY).map(([e, w]) => [[ETHNICITIES.indexOf(e), e], w] as const)]))),
    surname: await loadWeightedChoice(c, 'pick_surname', { surname: 'VARCHAR' }, surnameGroups),
    // Groups in this order: male_old 0, male_new 1, female_old 2, female_new 3.
    given: await loadWeightedChoice(c, 'pick_given', { given: 'VARCHAR' }, {
      male_old: pools.male_old.map((n) => [[n], 1]), male_new: pools.male_new.map((n) => [[n], 1]),
      female_old: pools.female_old.map((n) => [[n], 1]), female_new: pools.female_new.map((n) => [[n], 1]),
    }),
    phone: await loadWeightedChoice(c, 'pick_phone', { prefix: 'BIGINT' }, { all: MOBILE_PREFIXES.map(([p, w]) => [[Number(p)], w]) }),
    birthplace: await loadWeightedChoice(c, 'pick_birthplace', { area: 'BIGINT', area_wsum: 'INTEGER' },
      { all: MIGRANT_BIRTHPLACES.map(([p, w]) => [[Number(p), areaWeightedSum(p)], w]) }),
  };
}

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const u = (stream: string, key: string) => ctx.uniform(stream, key);
  const pick = await loadReferences(ctx);

  // Enough households to cover the scale with a wide margin; the member list is cut at exactly `scale`.
  const households = Math.ceil((ctx.scale / MEAN_SIZE) * 1.15) + 50;
  await c.run(`
    CREATE OR REPLACE TEMP TABLE household AS
    WITH base AS (
      SELECT h, pd.d_idx, ps.size, ${u('urban', 'h')} AS u_urban
      FROM range(${households}) r(h)
      JOIN pick_division pd ON pd.key = ${pick.division.key('0', u('division', 'h'))}
      JOIN pick_size ps ON ps.key = ${pick.size.key('0', u('size', 'h'))}
    ), placed AS (
      SELECT b.h, b.d_idx, b.size, d.code AS district_code, d.code_int, d.area_wsum, d.name AS district, d.kind,
             (b.u_urban < d.urban_share) AS urban, d.n_towns, d.n_streets
      FROM base b JOIN ref_division d ON d.d_idx = b.d_idx
    )
    SELECT p.h, p.d_idx, p.district_code, p.code_int, p.area_wsum, p.district, p.urban, p.size,
           p.h * 16 AS head_pk,
           pa.age_from + CAST(floor(${u('head_age', 'p.h')} * 5) AS INTEGER) AS head_age,
           ${u('head_gender', 'p.h')} < 0.56 AS head_male,
           pe.eth_idx, pe.ethnicity, psn.surname,
           CAST(p.code_int * 1000000000 + p.h AS VARCHAR) AS household_id,
           CASE
             WHEN p.urban THEN
               p.district
               || CASE WHEN p.kind = 'district' THEN '' ELSE seat.town END
               || st.street || CAST(1 + floor(${u('door', 'p.h')} * 260) AS INTEGER) || '号'
               || cm.name || '小区' || CAST(1 + floor(${u('building', 'p.h')} * 24) AS INTEGER) || '栋'
               || CAST(1 + floor(${u('unit', 'p.h')} * 6) AS INTEGER) || '单元'
               || CAST(101 + 100 * floor(${u('floor', 'p.h')} * 7) + floor(${u('room', 'p.h')} * 4) AS INTEGER) || '室'
             ELSE
               p.district || tw.town || vl.name || '村'
               || CAST(1 + floor(${u('group', 'p.h')} * 9) AS INTEGER) || '组'
               || CAST(1 + floor(${u('door', 'p.h')} * 120) AS INTEGER) || '号'
           END AS address
    FROM placed p
    JOIN pick_age pa ON pa.key = ${pick.age.key(String(pick.age.groups.get('adult')), u('head_age_band', 'p.h'))}
    JOIN pick_ethnicity pe ON pe.key = ${pick.ethnicity.key('p.d_idx', u('ethnicity', 'p.h'))}
    JOIN pick_surname psn ON psn.key = ${pick.surname.key('pe.eth_idx', u('surname', 'p.h'))}
    JOIN ref_town seat ON seat.key = p.d_idx * 100
    -- Villages lie in the towns after the seat (any subdistrict when the division has a single town).
    JOIN ref_town tw ON tw.key = p.d_idx * 100
      + CASE WHEN p.n_towns > 1 THEN 1 + CAST(floor(${u('town', 'p.h')} * (p.n_towns - 1)) AS INTEGER) ELSE 0 END
    JOIN ref_street st ON st.key = p.d_idx * 100 + CAST(floor(${u('street', 'p.h')} * p.n_streets) AS INTEGER)
    JOIN ref_community cm ON cm.idx = CAST(floor(${u('community', 'p.h')} * ${COMMUNITIES.length}) AS INTEGER)
    JOIN ref_village vl ON vl.idx = CAST(floor(${u('village', 'p.h')} * ${VILLAGES.length}) AS INTEGER)
    ORDER BY p.h`);

  // Members: the head (m = 0), a spouse of the opposite gender and similar age (m = 1), then others whose
  // ages follow the whole pyramid (children, parents, grandchildren). Birth place: mostly the district of
  // registration, else another Qiqihar division, else elsewhere in Heilongjiang or China.
  await c.run(`
    CREATE OR REPLACE TEMP TABLE member AS
    WITH listed AS (
      SELECT h, unnest(range(size)) AS m FROM household
    ), cut AS (
      SELECT h, m FROM listed ORDER BY h, m LIMIT ${ctx.scale}
    ), aged AS (
      SELECT x.h, x.m, x.h * 16 + x.m AS pk, hh.d_idx, hh.district_code, hh.code_int, hh.area_wsum, hh.district, hh.urban,
             hh.household_id, hh.address, hh.eth_idx AS household_eth_idx, hh.ethnicity AS household_ethnicity, hh.surname AS household_surname,
             CASE x.m
               WHEN 0 THEN hh.head_age
               WHEN 1 THEN least(100, greatest(20, hh.head_age + CAST(round(${ctx.normal('spouse_age', 'x.h * 16 + x.m')} * 3) AS INTEGER)))
               ELSE pa.age_from + CAST(floor(${u('age_in_band', 'x.h * 16 + x.m')} * 5) AS INTEGER)
             END AS age,
             CASE x.m
               WHEN 0 THEN hh.head_male
               WHEN 1 THEN NOT hh.head_male
               ELSE ${u('gender', 'x.h * 16 + x.m')} < 0.505
             END AS male
      FROM cut x
      JOIN household hh ON hh.h = x.h
      JOIN pick_age pa ON pa.key = ${pick.age.key(String(pick.age.groups.get('dependant')), u('age_band', 'x.h * 16 + x.m'))}
    ), born AS (
      SELECT a.*,
             CAST(DATE '${DATA_AS_OF}' - CAST(floor((a.age + ${u('birthday', 'a.pk')}) * 365.2425) AS INTEGER) AS DATE) AS birth_date,
             ${u('birthplace', 'a.pk')} AS u_birthplace,
             ${u('ethnicity_own', 'a.pk')} < 0.9 AS household_eth
      FROM aged a
    )
    SELECT b.pk, b.h, b.m, b.d_idx, b.district_code, b.district, b.urban, b.household_id, b.address, b.age, b.male, b.birth_date,
           year(b.birth_date) * 10000 + month(b.birth_date) * 100 + day(b.birth_date) AS ymd,
           CASE WHEN b.household_eth THEN b.household_eth_idx ELSE pe.eth_idx END AS eth_idx,
           CASE WHEN b.household_eth THEN b.household_ethnicity ELSE pe.ethnicity END AS ethnicity,
           b.household_eth AND b.m <> 1 AS household_surname_used, b.household_surname,
           CASE WHEN b.u_birthplace < 0.86 THEN b.code_int WHEN b.u_birthplace < 0.93 THEN od.code_int ELSE pb.area END AS birth_area,
           CASE WHEN b.u_birthplace < 0.86 THEN b.area_wsum WHEN b.u_birthplace < 0.93 THEN od.area_wsum ELSE pb.area_wsum END AS birth_area_wsum
    FROM born b
    JOIN pick_ethnicity pe ON pe.key = ${pick.ethnicity.key('b.d_idx', u('ethnicity_mixed', 'b.pk'))}
    JOIN pick_division pdv ON pdv.key = ${pick.division.key('0', u('birth_division', 'b.pk'))}
    JOIN ref_division od ON od.d_idx = pdv.d_idx
    JOIN pick_birthplace pb ON pb.key = ${pick.birthplace.key('0', u('birth_migrant', 'b.pk'))}
    ORDER BY b.pk`);

  // GB 11643 sequence: distinct within (area, birth date, gender) by ranking, spread over the 500 odd or
  // even values from the group's own random start with a stride coprime to 500; the MOD 11-2 check
  // character is computed from the integer parts.
  await c.run(`
    CREATE OR REPLACE TEMP TABLE person AS
    WITH ranked AS (
      SELECT m.*, row_number() OVER (PARTITION BY birth_area, ymd, male ORDER BY pk) - 1 AS seq_rank
      FROM member m
    ), sequenced AS (
      SELECT r.*,
             2 * ((CAST(floor(${u('seq_start', 'r.birth_area * 1000000000 + r.ymd * 2 + CAST(r.male AS INTEGER)')} * 500) AS BIGINT) + r.seq_rank * 37) % 500)
               + CAST(r.male AS INTEGER) AS seq
      FROM ranked r
    )
    SELECT s.pk, s.h, s.m, s.d_idx, s.district_code, s.district, s.urban, s.household_id, s.address, s.age, s.birth_date, s.ethnicity, s.seq_rank,
           CAST(s.birth_area * 100000000000 + s.ymd * 1000 + s.seq AS VARCHAR) || ${idCheckCharSql('s.birth_area_wsum', 's.ymd', 's.seq')} AS id_card,
           CASE WHEN s.male THEN '男' ELSE '女' END AS gender,
           CASE WHEN s.household_surname_used THEN s.household_surname ELSE ps.surname END || pg.given AS name,
           CASE
             WHEN s.age < 12 THEN NULL
             WHEN s.age < 18 AND ${u('phone_owner', 's.pk')} < 0.4 THEN NULL
             WHEN s.age >= 80 AND ${u('phone_owner', 's.pk')} < 0.5 THEN NULL
             ELSE CAST(pp.prefix * 100000000 + CAST(floor(${u('phone', 's.pk')} * 100000000) AS BIGINT) AS VARCHAR)
           END AS phone,
           CAST(least(DATE '${DATA_AS_OF}', CASE
             WHEN s.birth_area = s.district_code::INTEGER AND s.birth_date >= DATE '1985-01-01'
               THEN s.birth_date + CAST(10 + floor(${u('registered', 's.pk')} * 110) AS INTEGER)
             WHEN s.birth_area = s.district_code::INTEGER
               -- Registers were rebuilt when resident ID cards were introduced (1985 onwards).
               THEN DATE '1985-01-01' + CAST(floor(${u('registered', 's.pk')} * 1460) AS INTEGER)
             ELSE s.birth_date + CAST(floor((DATE '${DATA_AS_OF}' - s.birth_date) * (0.3 + 0.7 * ${u('registered', 's.pk')})) AS INTEGER)
           END) AS DATE) AS registered_on
    FROM sequenced s
    JOIN pick_surname ps ON ps.key = ${pick.surname.key('s.eth_idx', u('own_surname', 's.pk'))}
    -- Given-name style follows the era: mostly the newer style for those born since 1990.
    JOIN pick_given pg ON pg.key = ${pick.given.key(`CASE WHEN s.male THEN 0 ELSE 2 END + CASE WHEN (s.ymd >= 19900000) = (${u('name_era', 's.pk')} < 0.85) THEN 1 ELSE 0 END`, u('given', 's.pk'))}
    JOIN pick_phone pp ON pp.key = ${pick.phone.key('0', u('phone_prefix', 's.pk'))}
    ORDER BY s.pk`);

  const check = await c.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT id_card) AS distinct_ids, max(seq_rank) AS max_rank FROM person`);
  const row = check.getRowObjectsJson()[0];
  if (Number(row?.n) !== ctx.scale) throw new Error(`population: generated ${String(row?.n)} residents, expected ${ctx.scale}`);
  if (Number(row?.distinct_ids) !== ctx.scale || Number(row?.max_rank) >= 500) throw new Error('population: ID numbers are not unique');
  await c.run('DROP TABLE member');

  // person is in pk order; the insert keeps it (DuckDB preserves insertion order without ORDER BY).
  await ctx.insert('residents', `
    SELECT id_card, name, gender, birth_date, ethnicity, phone, district, address, household_id, registered_on FROM person`);
}

export const generator: DatasetGenerator = { dataset: 'population', after: [], generate };
