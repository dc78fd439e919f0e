// Generator of population.residents (户籍人口): households placed in Qiqihar's divisions, members with an
// ageing age pyramid, district-dependent ethnic mix, names, GB 11643 ID numbers and mobile numbers.
// Everything is computed inside DuckDB from hash streams keyed by household and person, so 1,000,000
// residents take a few seconds and the same seed gives the same rows.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { COMMUNITIES, DEFAULT_ETHNICITY, MIGRANT_BIRTHPLACES, QIQIHAR_DIVISIONS, VILLAGES } from '../../src/domain/divisions.ts';
import { AGE_PYRAMID, ETHNIC_SURNAMES, HAN_SURNAMES, HOUSEHOLD_SIZES, MOBILE_PREFIXES, givenNamePools } from '../../src/domain/people.ts';
import { idCheckCharSql } from '../../src/domain/gb11643.ts';
import { loadReferenceTable, loadWeightedChoice, slotSql } from '../../src/domain/reference-table.ts';

/** Mean household size implied by HOUSEHOLD_SIZES, used to size the household draw. */
const MEAN_SIZE = HOUSEHOLD_SIZES.reduce((s, [n, w]) => s + n * w, 0) / HOUSEHOLD_SIZES.reduce((s, [, w]) => s + w, 0);

async function loadReferences(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  await loadReferenceTable(c, 'ref_division', { code: 'VARCHAR', name: 'VARCHAR', kind: 'VARCHAR', urban_share: 'DOUBLE', heating_price: 'DOUBLE', n_towns: 'INTEGER', n_streets: 'INTEGER' },
    QIQIHAR_DIVISIONS.map((d) => [d.code, d.name, d.kind, d.urbanShare, d.heatingPrice, d.towns.length, d.streets.length]));
  await loadReferenceTable(c, 'ref_town', { code: 'VARCHAR', idx: 'INTEGER', town: 'VARCHAR' },
    QIQIHAR_DIVISIONS.flatMap((d) => d.towns.map((t, i) => [d.code, i, t])));
  await loadReferenceTable(c, 'ref_street', { code: 'VARCHAR', idx: 'INTEGER', street: 'VARCHAR' },
    QIQIHAR_DIVISIONS.flatMap((d) => d.streets.map((s, i) => [d.code, i, s])));
  await loadReferenceTable(c, 'ref_community', { idx: 'INTEGER', name: 'VARCHAR' }, COMMUNITIES.map((n, i) => [i, n]));
  await loadReferenceTable(c, 'ref_village', { idx: 'INTEGER', name: 'VARCHAR' }, VILLAGES.map((n, i) => [i, n]));
  await loadWeightedChoice(c, 'pick_division', { code: 'VARCHAR' }, { all: QIQIHAR_DIVISIONS.map((d) => [[d.code], d.weight]) });
  await loadWeightedChoice(c, 'pick_size', { size: 'INTEGER' }, { all: HOUSEHOLD_SIZES.map(([n, w]) => [[n], w]) });
  await loadWeightedChoice(c, 'pick_age', { age_from: 'INTEGER' }, {
    all: AGE_PYRAMID.map(([a, w]) => [[a], w]),
    // Household heads: adults only (no one-person household of a child).
    adult: AGE_PYRAMID.filter(([a]) => a >= 20).map(([a, w]) => [[a], w]),
  });
  await loadWeightedChoice(c, 'pick_ethnicity', { ethnicity: 'VARCHAR' },
    Object.fromEntries(QIQIHAR_DIVISIONS.map((d) => [d.code, Object.entries(d.ethnicity ?? DEFAULT_ETHNICITY).map(([e, w]) => [[e], w] as const)])));
  const surnameGroups: Record<string, (readonly [string[], number])[]> = { 汉族: HAN_SURNAMES.map(([s, w]) => [[s], w] as const) };
  for (const [eth, names] of Object.entries(ETHNIC_SURNAMES)) {
    // Minorities in the Northeast largely carry Han surnames too: 60 % the group's own, 40 % the Han mix.
    const own = names.reduce((s, [, w]) => s + w, 0);
    const hanTotal = HAN_SURNAMES.reduce((s, [, w]) => s + w, 0);
    surnameGroups[eth] = [
      ...names.map(([n, w]): [string[], number] => [[n], (0.6 * w) / own]),
      ...HAN_SURNAMES.map(([n, w]): [string[], number] => [[n], (0.4 * w) / hanTotal]),
    ];
  }
  await loadWeightedChoice(c, 'pick_surname', { surname: 'VARCHAR' }, surnameGroups);
  const pools = givenNamePools();
  await loadWeightedChoice(c, 'pick_given', { given: 'VARCHAR' },
    Object.fromEntries(Object.entries(pools).map(([k, names]) => [k, names.map((n) => [[n], 1] as const)])));
  await loadWeightedChoice(c, 'pick_phone', { prefix: 'VARCHAR' }, { all: MOBILE_PREFIXES.map(([p, w]) => [[p], w]) });
  await loadWeightedChoice(c, 'pick_birthplace', { code: 'VARCHAR' }, { all: MIGRANT_BIRTHPLACES.map(([p, w]) => [[p], w]) });
}

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const u = (stream: string, key: string) => ctx.uniform(stream, key);
  await loadReferences(ctx);

  // Enough households to cover the scale with a wide margin; the member list is cut at exactly `scale`.
  const households = Math.ceil((ctx.scale / MEAN_SIZE) * 1.15) + 50;
  await c.run(`
    CREATE OR REPLACE TEMP TABLE household AS
    WITH base AS (
      SELECT h, pd.code AS district_code, ps.size,
             ${u('urban', 'h')} AS u_urban
      FROM range(${households}) r(h)
      JOIN pick_division pd ON pd.grp = 'all' AND pd.slot = ${slotSql(u('division', 'h'))}
      JOIN pick_size ps ON ps.grp = 'all' AND ps.slot = ${slotSql(u('size', 'h'))}
    ), placed AS (
      SELECT b.*, d.name AS district, d.kind, (b.u_urban < d.urban_share) AS urban, d.n_towns, d.n_streets
      FROM base b JOIN ref_division d ON d.code = b.district_code
    )
    SELECT p.h, p.district_code, p.district, p.urban, p.size,
           p.h * 16 AS head_pk,
           pa.age_from + CAST(floor(${u('head_age', 'p.h')} * 5) AS INTEGER) AS head_age,
           ${u('head_gender', 'p.h')} < 0.62 AS head_male,
           pe.ethnicity AS ethnicity,
           psn.surname AS surname,
           p.district_code || lpad(CAST(p.h AS VARCHAR), 9, '0') AS household_id,
           CASE
             WHEN p.urban THEN
               p.district
               || CASE WHEN p.kind = 'district' THEN '' ELSE seat.town END
               || st.street || CAST(1 + floor(${u('door', 'p.h')} * 260) AS INTEGER) || '号'
               || cm.name || '小区' || CAST(1 + floor(${u('building', 'p.h')} * 24) AS INTEGER) || '栋'
               || CAST(1 + floor(${u('unit', 'p.h')} * 6) AS INTEGER) || '单元'
               || CAST(1 + floor(${u('floor', 'p.h')} * 7) AS INTEGER) || '0' || CAST(1 + floor(${u('room', 'p.h')} * 4) AS INTEGER) || '室'
             ELSE
               p.district || tw.town || vl.name || '村'
               || CAST(1 + floor(${u('group', 'p.h')} * 9) AS INTEGER) || '组'
               || CAST(1 + floor(${u('door', 'p.h')} * 120) AS INTEGER) || '号'
           END AS address
    FROM placed p
    JOIN pick_age pa ON pa.grp = 'adult' AND pa.slot = ${slotSql(u('head_age_band', 'p.h'))}
    JOIN pick_ethnicity pe ON pe.grp = p.district_code AND pe.slot = ${slotSql(u('ethnicity', 'p.h'))}
    JOIN pick_surname psn ON psn.grp = pe.ethnicity AND psn.slot = ${slotSql(u('surname', 'p.h'))}
    JOIN ref_town seat ON seat.code = p.district_code AND seat.idx = 0
    -- Villages lie in the towns after the seat (any subdistrict when the division has a single town).
    JOIN ref_town tw ON tw.code = p.district_code
      AND tw.idx = CASE WHEN p.n_towns > 1 THEN 1 + CAST(floor(${u('town', 'p.h')} * (p.n_towns - 1)) AS INTEGER) ELSE 0 END
    JOIN ref_street st ON st.code = p.district_code AND st.idx = CAST(floor(${u('street', 'p.h')} * p.n_streets) AS INTEGER)
    JOIN ref_community cm ON cm.idx = CAST(floor(${u('community', 'p.h')} * ${COMMUNITIES.length}) AS INTEGER)
    JOIN ref_village vl ON vl.idx = CAST(floor(${u('village', 'p.h')} * ${VILLAGES.length}) AS INTEGER)
    ORDER BY p.h`);

  // Members: the head (m = 0), a spouse of the opposite gender and similar age (m = 1), then others whose
  // ages follow the whole pyramid (children, parents, grandchildren).
  await c.run(`
    CREATE OR REPLACE TEMP TABLE member AS
    WITH listed AS (
      SELECT h, unnest(range(size)) AS m FROM household
    ), cut AS (
      SELECT h, m FROM listed ORDER BY h, m LIMIT ${ctx.scale}
    ), aged AS (
      SELECT x.h, x.m, x.h * 16 + x.m AS pk, hh.district_code, hh.district, hh.urban, hh.household_id, hh.address,
             hh.ethnicity AS household_ethnicity, hh.surname AS household_surname,
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
      JOIN pick_age pa ON pa.grp = 'all' AND pa.slot = ${slotSql(u('age_band', 'x.h * 16 + x.m'))}
    )
    SELECT a.*,
           CAST(DATE '${DATA_AS_OF}' - CAST(floor((a.age + ${u('birthday', 'a.pk')}) * 365.2425) AS INTEGER) AS DATE) AS birth_date,
           CASE WHEN ${u('ethnicity_own', 'a.pk')} < 0.9 THEN a.household_ethnicity ELSE pe.ethnicity END AS ethnicity,
           CASE
             WHEN ${u('birthplace', 'a.pk')} < 0.86 THEN a.district_code
             WHEN ${u('birthplace', 'a.pk')} < 0.93 THEN pd.code
             ELSE pb.code
           END AS birth_area
    FROM aged a
    JOIN pick_ethnicity pe ON pe.grp = a.district_code AND pe.slot = ${slotSql(u('ethnicity_mixed', 'a.pk'))}
    JOIN pick_division pd ON pd.grp = 'all' AND pd.slot = ${slotSql(u('birth_division', 'a.pk'))}
    JOIN pick_birthplace pb ON pb.grp = 'all' AND pb.slot = ${slotSql(u('birth_migrant', 'a.pk'))}
    ORDER BY a.pk`);

  // GB 11643 sequence: distinct within (area, birth date, gender) by ranking, spread over the 500 odd or
  // even values from a random start with a stride coprime to 500; then the MOD 11-2 check character.
  await c.run(`
    CREATE OR REPLACE TEMP TABLE person AS
    WITH ranked AS (
      SELECT m.*,
             row_number() OVER (PARTITION BY birth_area, birth_date, male ORDER BY pk) - 1 AS seq_rank
      FROM member m
    ), body AS (
      SELECT r.*,
             r.birth_area || strftime(r.birth_date, '%Y%m%d')
               || lpad(CAST(2 * ((CAST(floor(${u('seq_start', 'r.pk')} * 500) AS BIGINT) + r.seq_rank * 37) % 500) + CASE WHEN r.male THEN 1 ELSE 0 END AS VARCHAR), 3, '0') AS id17
      FROM ranked r
    )
    SELECT b.pk, b.h, b.m, b.id17 || ${idCheckCharSql('b.id17')} AS id_card,
           CASE WHEN b.male THEN '男' ELSE '女' END AS gender,
           b.birth_date, b.age, b.district_code, b.district, b.urban, b.ethnicity, b.household_id, b.address, b.seq_rank,
           CASE WHEN b.m = 1 OR b.ethnicity <> b.household_ethnicity THEN ps.surname ELSE b.household_surname END
             || pg.given AS name,
           CASE
             WHEN b.age < 12 THEN NULL
             WHEN b.age < 18 AND ${u('phone_owner', 'b.pk')} < 0.4 THEN NULL
             WHEN b.age >= 80 AND ${u('phone_owner', 'b.pk')} < 0.5 THEN NULL
             ELSE pp.prefix || lpad(CAST(CAST(floor(${u('phone', 'b.pk')} * 100000000) AS BIGINT) AS VARCHAR), 8, '0')
           END AS phone,
           CAST(least(DATE '${DATA_AS_OF}', CASE
             WHEN b.birth_area = b.district_code AND b.birth_date >= DATE '1985-01-01'
               THEN b.birth_date + CAST(10 + floor(${u('registered', 'b.pk')} * 110) AS INTEGER)
             WHEN b.birth_area = b.district_code
               -- Registers were rebuilt when resident ID cards were introduced (1985 onwards).
               THEN DATE '1985-01-01' + CAST(floor(${u('registered', 'b.pk')} * 1460) AS INTEGER)
             ELSE b.birth_date + CAST(floor((DATE '${DATA_AS_OF}' - b.birth_date) * (0.3 + 0.7 * ${u('registered', 'b.pk')})) AS INTEGER)
           END) AS DATE) AS registered_on
    FROM body b
    JOIN pick_surname ps ON ps.grp = b.ethnicity AND ps.slot = ${slotSql(u('own_surname', 'b.pk'))}
    JOIN pick_given pg ON pg.slot = ${slotSql(u('given', 'b.pk'))}
      AND pg.grp = CASE WHEN b.male THEN 'male' ELSE 'female' END
                   || CASE WHEN (year(b.birth_date) >= 1990) = (${u('name_era', 'b.pk')} < 0.85) THEN '_new' ELSE '_old' END
    JOIN pick_phone pp ON pp.grp = 'all' AND pp.slot = ${slotSql(u('phone_prefix', 'b.pk'))}
    ORDER BY b.pk`);

  const check = await c.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT id_card) AS distinct_ids, max(seq_rank) AS max_rank FROM person`);
  const row = check.getRowObjectsJson()[0];
  if (Number(row?.n) !== ctx.scale) throw new Error(`population: generated ${String(row?.n)} residents, expected ${ctx.scale}`);
  if (Number(row?.distinct_ids) !== ctx.scale || Number(row?.max_rank) >= 500) throw new Error('population: ID numbers are not unique');

  await ctx.insert('residents', `
    SELECT id_card, name, gender, birth_date, ethnicity, phone, district, address, household_id, registered_on
    FROM person ORDER BY pk`);
  await c.run('DROP TABLE member');
}

export const generator: DatasetGenerator = { dataset: 'population', after: [], generate };
