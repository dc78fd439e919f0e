// Generator of health.medical_claims (医保结算): about ten settled claims per resident over 2023-01 to the
// as-of date, many more for the elderly; age- and sex-appropriate ICD-10 diagnoses; local hospitals or the
// city's tertiary ones; log-normal (heavy-tailed) costs by diagnosis, hospital level and inpatient stay;
// reimbursement after deductible never above the cost; a few catastrophic claims above the catalog bound.
// About 10 rows per resident, so everything runs inside DuckDB from hash streams keyed by claim; rows come
// out grouped by claimant, in the residents' order, without a sort.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';
import { DIAGNOSES } from '../../src/domain/icd10.ts';
import { HOSPITALS, TERTIARY_SHARE } from '../../src/domain/hospitals.ts';
import { streamOffset } from '../../src/domain/seeded-random.ts';
import { loadWeightedChoice, type WeightedChoice } from '../../src/domain/reference-table.ts';

/** First day of the claims period. */
export const CLAIMS_FROM = '2023-01-01';
/** Share of claims that are catastrophic, above the catalog bound of 500,000 yuan. */
export const CATASTROPHIC_RATE = 0.00015;

/** Cost and coverage parameters by hospital level (yuan): median stay, median visit, deductible, inpatient ratio. */
const LEVEL_PARAMETERS: Readonly<Record<string, { inpatientFactor: number; stay: number; visit: number; deductible: number; ratio: number }>> = {
  三级甲等: { inpatientFactor: 1, stay: 13000, visit: 230, deductible: 1000, ratio: 0.7 },
  三级乙等: { inpatientFactor: 1, stay: 10000, visit: 200, deductible: 900, ratio: 0.72 },
  二级甲等: { inpatientFactor: 0.8, stay: 6500, visit: 150, deductible: 600, ratio: 0.8 },
  二级乙等: { inpatientFactor: 0.7, stay: 5500, visit: 130, deductible: 500, ratio: 0.82 },
  一级甲等: { inpatientFactor: 0.25, stay: 3000, visit: 80, deductible: 300, ratio: 0.85 },
  一级: { inpatientFactor: 0.2, stay: 2500, visit: 60, deductible: 200, ratio: 0.88 },
};

async function loadReferences(ctx: GenerationContext): Promise<{ hospital: WeightedChoice; diagnosis: WeightedChoice }> {
  const hospitalGroups: Record<string, (readonly [(string | number)[], number])[]> = {};
  const city = HOSPITALS.filter((h) => h.division === null);
  const cityTotal = city.reduce((s, h) => s + h.weight, 0);
  for (const d of QIQIHAR_DIVISIONS) {
    const local = HOSPITALS.filter((h) => h.division === d.code);
    const localTotal = local.reduce((s, h) => s + h.weight, 0);
    const tertiary = TERTIARY_SHARE[d.kind];
    hospitalGroups[d.code] = [...city.map((h) => [h, (tertiary * h.weight) / cityTotal] as const), ...local.map((h) => [h, ((1 - tertiary) * h.weight) / localTotal] as const)]
      .map(([h, w]) => {
        const p = LEVEL_PARAMETERS[h.level];
        if (!p) throw new Error(`no cost parameters for hospital level ${h.level}`);
        return [[h.code, h.level, p.inpatientFactor, p.stay, p.visit, p.deductible, p.ratio], w] as const;
      });
  }
  // Groups in division order, so that a claimant's division index is the group index.
  const hospital = await loadWeightedChoice(ctx.connection, 'pick_hospital', {
    code: 'VARCHAR', level: 'VARCHAR', inpatient_factor: 'DOUBLE', stay: 'DOUBLE', visit: 'DOUBLE', deductible: 'DOUBLE', ratio: 'DOUBLE',
  }, hospitalGroups);
  // Diagnoses by age group and sex: no pregnancies for men, children or the elderly; prostate for men only.
  const female = (code: string) => code.startsWith('O') || code === 'C50.9';
  const male = (code: string) => code === 'N40';
  // Groups in this order: child_m 0, child_f 1, adult_m 2, adult_f 3, elder_m 4, elder_f 5.
  const groups: Record<string, (readonly [(string | number)[], number])[]> = {};
  for (const [grp, weight, sex] of [['child_m', 'child', 'm'], ['child_f', 'child', 'f'], ['adult_m', 'adult', 'm'], ['adult_f', 'adult', 'f'], ['elder_m', 'elder', 'm'], ['elder_f', 'elder', 'f']] as const) {
    groups[grp] = DIAGNOSES
      .filter((d) => (sex === 'm' ? !female(d.code) : !male(d.code)) && !(weight !== 'adult' && d.code.startsWith('O')))
      .map((d) => [[d.code, d.inpatient, d.costFactor], d[weight]] as const);
  }
  const diagnosis = await loadWeightedChoice(ctx.connection, 'pick_diagnosis', { code: 'VARCHAR', inpatient: 'DOUBLE', cost_factor: 'DOUBLE' }, groups);
  return { hospital, diagnosis };
}

async function generate(ctx: GenerationContext): Promise<void> {
  const pick = await loadReferences(ctx);
  const u = (stream: string) => ctx.uniform(stream, 'c.ck');
  // Claim ids: settlement date as yymmdd, then 13 digits that are a bijection of the claim key (7919 is
  // coprime to 10), built as one integer and cast once (string functions are the expensive part here).
  const idOffset = streamOffset(ctx.seed, 'health.claim_id') % 10_000_000_000_000n;
  await ctx.insert('medical_claims', `
    WITH claimant AS (
      SELECT p.pk, p.id_card, p.birth_date, p.d_idx,
             CASE WHEN p.age < 15 THEN 0 WHEN p.age < 60 THEN 2 ELSE 4 END + CASE WHEN p.gender = '男' THEN 0 ELSE 1 END AS diagnosis_group_key,
             -- Over-dispersed counts (exponential mixing): many people with no claim, a few with dozens.
             CAST(least(150, floor(-ln(1.0 - ${ctx.uniform('count', 'p.pk')}) * (0.5 + CASE
               WHEN p.age < 5 THEN 9 WHEN p.age < 15 THEN 4 WHEN p.age < 45 THEN 5
               WHEN p.age < 60 THEN 10 WHEN p.age < 75 THEN 18 ELSE 24 END))) AS BIGINT) AS k
      FROM person p
      WHERE p.birth_date < DATE '${DATA_AS_OF}' - 1
    ), claim AS (
      SELECT pk, id_card, birth_date, d_idx, diagnosis_group_key, unnest(range(k)) AS j
      FROM claimant WHERE k > 0
    ), dated AS (
      SELECT cl.*, cl.pk * 256 + cl.j AS ck, greatest(DATE '${CLAIMS_FROM}', cl.birth_date + 1) AS first_day
      FROM claim cl
    ), priced AS (
      SELECT c.ck, c.id_card,
             CAST(c.first_day + CAST(floor(${u('visit')} * (DATE '${DATA_AS_OF}' - c.first_day + 1)) AS INTEGER) AS DATE) AS visit_date,
             h.code AS hospital_code, h.level AS hospital_level, h.deductible, h.ratio,
             dg.code AS diagnosis_code,
             ${u('inpatient')} < dg.inpatient * h.inpatient_factor AS inpatient,
             CASE
               WHEN ${u('catastrophic')} < ${CATASTROPHIC_RATE} THEN round(500000 * (1.02 + 1.5 * ${u('catastrophic_size')}), 2)
               WHEN ${u('inpatient')} < dg.inpatient * h.inpatient_factor
                 THEN round(exp(ln(h.stay * dg.cost_factor) + 0.7 * ${ctx.normal('cost', 'c.ck')}), 2)
               ELSE round(greatest(5, exp(ln(h.visit * sqrt(dg.cost_factor)) + 0.85 * ${ctx.normal('cost', 'c.ck')})), 2)
             END AS cost,
             ${u('coverage')} AS u_coverage
      FROM dated c
      JOIN pick_hospital h ON h.key = ${pick.hospital.key('c.d_idx', u('hospital'))}
      JOIN pick_diagnosis dg ON dg.key = ${pick.diagnosis.key('c.diagnosis_group_key', u('diagnosis'))}
    )
    SELECT CAST(((year(visit_date) % 100) * 10000 + month(visit_date) * 100 + day(visit_date)) * 10000000000000
                + (ck * 7919 + ${idOffset}) % 10000000000000 AS VARCHAR) AS claim_id,
           id_card, hospital_code, hospital_level, visit_date, diagnosis_code,
           substr(diagnosis_code, 1, 1) AS diagnosis_group,
           CAST(cost AS DECIMAL(12,2)) AS total_cost,
           CAST(least(cost, CASE
             WHEN inpatient THEN round(greatest(0, cost - deductible) * least(0.95, ratio + 0.1 * (u_coverage - 0.5)), 2)
             ELSE round(cost * (0.3 + 0.4 * u_coverage), 2)
           END) AS DECIMAL(12,2)) AS reimbursed
    FROM priced`);
}

export const generator: DatasetGenerator = { dataset: 'health', after: ['population'], generate };
