// Generator of social_security.insured (社保参保): one pension enrolment per insured resident aged 16+,
// employees of companies (with the employer's credit code) or of public bodies, or the urban-rural
// residents' scheme; contribution bases that bunch at the statutory minimum, and a few implausibly high
// bases above the catalog bound so that clamping is exercised.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';
import { creditCodeCheckChar, orgCodeCheckChar } from '../../src/domain/gb32100.ts';
import { SeededRandom } from '../../src/domain/seeded-random.ts';
import { loadReferenceTable, loadWeightedChoice } from '../../src/domain/reference-table.ts';

/** Heilongjiang's 2024 lower and upper limits of the employee contribution base (yuan per month). */
export const BASE_MINIMUM = 4406;
export const BASE_MAXIMUM = 22031;
/** Share of insured employee rows with an implausible base above the catalog bound of 50,000. */
export const BASE_OUTLIER_RATE = 0.002;

/** Annual contribution tiers of the residents' scheme (yuan per year) and how many choose each. */
const RESIDENT_TIERS: readonly (readonly [number, number])[] = [[200, 35], [300, 20], [500, 15], [1000, 12], [2000, 8], [3000, 5], [4000, 2], [6000, 3]];

/** Credit codes of public bodies (机关 11, 事业单位 12), valid per GB 32100, a few per division. */
function publicEmployers(seed: number): string[] {
  const rnd = new SeededRandom(seed, 'social_security.public_employers');
  const out: string[] = [];
  for (const d of QIQIHAR_DIVISIONS) {
    for (let i = 0; i < 12; i++) {
      const body = `${i < 5 ? 'MB' : '4'}${Array.from({ length: i < 5 ? 6 : 7 }, () => String(rnd.int(10))).join('')}`;
      const first17 = `${i < 5 ? '11' : '12'}${d.code}${body}${orgCodeCheckChar(body)}`;
      out.push(first17 + creditCodeCheckChar(first17));
    }
  }
  return out;
}

async function generate(ctx: GenerationContext): Promise<void> {
  const c = ctx.connection;
  const u = (stream: string) => ctx.uniform(stream, 'p.pk');
  const publics = publicEmployers(ctx.seed);
  await loadReferenceTable(c, 'public_employer', { k: 'INTEGER', credit_code: 'VARCHAR' }, publics.map((code, k) => [k, code]));
  const tiers = await loadWeightedChoice(c, 'pick_resident_tier', { tier: 'INTEGER' }, { all: RESIDENT_TIERS.map(([t, w]) => [[t], w]) });
  const employers = Number((await c.runAndReadAll('SELECT count(*) AS n FROM employer')).getRowObjectsJson()[0]?.n ?? 0);

  await ctx.insert('insured', `
    WITH enrolled AS (
      SELECT p.pk, p.id_card, p.birth_date, p.age, p.gender, p.urban,
             CASE
               WHEN p.age < 18 THEN 'resident'
               WHEN ${u('scheme')} < CASE WHEN p.urban THEN 0.60 ELSE 0.12 END THEN 'enterprise'
               WHEN ${u('scheme')} < CASE WHEN p.urban THEN 0.68 ELSE 0.15 END THEN 'public'
               ELSE 'resident'
             END AS scheme,
             ${u('employer')} AS u_employer, ${u('start')} AS u_start, ${u('status')} AS u_status,
             ${u('base_at_minimum')} AS u_minimum, ${u('base_outlier')} AS u_outlier, ${ctx.normal('base', 'p.pk')} AS z_base
      FROM person p
      WHERE p.age >= 16
        AND ${u('enrolled')} < CASE WHEN p.age < 18 THEN 0.3 WHEN p.age < 75 THEN 0.86 ELSE 0.76 END
    ), dated AS (
      SELECT e.*,
             CASE WHEN e.scheme = 'resident'
               -- The residents' scheme started in 2009; employee accounts date from the 1992 pension reform.
               THEN greatest(CAST(e.birth_date + INTERVAL 16 YEAR AS DATE), DATE '2009-10-01')
               ELSE greatest(CAST(e.birth_date + INTERVAL 18 YEAR AS DATE), DATE '1992-01-01')
             END AS earliest
      FROM enrolled e
    )
    SELECT d.id_card,
           CASE d.scheme WHEN 'enterprise' THEN '企业职工基本养老保险' WHEN 'public' THEN '机关事业单位养老保险' ELSE '城乡居民基本养老保险' END AS insurance_type,
           CASE d.scheme WHEN 'enterprise' THEN em.credit_code WHEN 'public' THEN pe.credit_code ELSE NULL END AS employer_credit_code,
           CAST(d.earliest + CAST(floor(pow(d.u_start, 1.6) * greatest(0, DATE '${DATA_AS_OF}' - d.earliest)) AS INTEGER) AS DATE) AS start_date,
           CAST(CASE
             WHEN d.scheme = 'resident' THEN round(rt.tier / 12.0, 2)
             WHEN d.u_outlier < ${BASE_OUTLIER_RATE} THEN round(50000 + d.u_outlier / ${BASE_OUTLIER_RATE} * 70000, 2)
             WHEN d.u_minimum < CASE d.scheme WHEN 'public' THEN 0.05 ELSE 0.38 END THEN ${BASE_MINIMUM}
             ELSE least(${BASE_MAXIMUM}, greatest(${BASE_MINIMUM}, round(exp(ln(CASE d.scheme WHEN 'public' THEN 7200 ELSE 5600 END) + 0.42 * d.z_base), 0)))
           END AS DECIMAL(10,2)) AS monthly_base,
           CASE
             WHEN d.age >= 60 OR (d.gender = '女' AND d.scheme <> 'resident' AND d.age >= 55) THEN '待遇享受'
             WHEN d.u_status < 0.86 THEN '参保缴费'
             WHEN d.u_status < 0.97 THEN '暂停缴费'
             ELSE '终止参保'
           END AS status
    FROM dated d
    LEFT JOIN employer em ON em.k = CAST(floor(pow(d.u_employer, 2.5) * ${Math.max(1, employers)}) AS BIGINT)
    LEFT JOIN public_employer pe ON pe.k = CAST(floor(d.u_employer * ${publics.length}) AS INTEGER)
    JOIN pick_resident_tier rt ON rt.key = ${tiers.key('0', ctx.uniform('tier', 'd.pk'))}`);
}

export const generator: DatasetGenerator = { dataset: 'social_security', after: ['population', 'market'], generate };
