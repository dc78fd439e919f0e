// Generator of market.enterprises (市场主体登记): companies, sole proprietors and farmer cooperatives with
// GB 32100 unified social credit codes, GB/T 4754 industry sections, registered names in the local style,
// legal representatives, capital, founding dates and statuses. The register is small (5 % of the scale),
// so it is built in JS with a seeded PRNG and bulk-loaded through DuckDB's appender.
import type { DatasetGenerator, GenerationContext } from '../../src/domain/generation.ts';
import { DATA_AS_OF } from '../../src/domain/generation.ts';
import { QIQIHAR_DIVISIONS, type Division } from '../../src/domain/divisions.ts';
import { HAN_SURNAMES, givenNamePools } from '../../src/domain/people.ts';
import { INDUSTRY_SECTIONS, TRADE_NAME_PARTS, type IndustrySection } from '../../src/domain/industries.ts';
import { CREDIT_CODE_CHARS, creditCodeCheckChar, orgCodeCheckChar } from '../../src/domain/gb32100.ts';
import { SeededRandom } from '../../src/domain/seeded-random.ts';
import { loadReferenceTable, type ReferenceValue } from '../../src/domain/reference-table.ts';

/** Enterprises per resident. */
export const ENTERPRISES_PER_RESIDENT = 0.05;

type Category = 'company' | 'proprietor' | 'cooperative';
/** Share of each kind of market entity, and its GB 32100 registration-authority + category prefix. */
const CATEGORIES: readonly (readonly [Category, number, string])[] = [['company', 36, '91'], ['proprietor', 60, '92'], ['cooperative', 4, '93']];
const STATUSES_CLOSED: readonly (readonly [string, number])[] = [['注销', 65], ['吊销', 30], ['迁出', 5]];
const DAY = 86_400_000;

function creditCode(rnd: SeededRandom, prefix: string, division: string, recent: boolean): string {
  // Codes issued since 2015 mostly carry "MA" organisation codes; older ones kept their numeric codes.
  const body = recent && rnd.next() < 0.85
    ? `MA${Array.from({ length: 6 }, () => rnd.pick([...CREDIT_CODE_CHARS])).join('')}`
    : Array.from({ length: 8 }, () => String(rnd.int(10))).join('');
  const first17 = `${prefix}${division}${body}${orgCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

function entityName(rnd: SeededRandom, category: Category, div: Division, ind: IndustrySection): string {
  const a = rnd.pick(TRADE_NAME_PARTS);
  let b = rnd.pick(TRADE_NAME_PARTS);
  while (b === a) b = rnd.pick(TRADE_NAME_PARTS);
  const trade = a + b;
  if (category === 'proprietor') return `${div.name}${trade}${rnd.pick(ind.shops.length ? ind.shops : ['商店'])}`;
  if (category === 'cooperative') {
    const town = rnd.pick(div.towns);
    return `${div.name}${town}${trade}${rnd.pick(['种植', '农机', '养殖', '杂粮', '水稻种植'])}专业合作社`;
  }
  const place = div.kind === 'district' || rnd.next() < 0.4 ? rnd.pick(['齐齐哈尔', '齐齐哈尔市']) : div.name;
  return `${place}${trade}${rnd.pick(ind.words)}${rnd.weighted([['有限公司', 70], ['有限责任公司', 28], ['股份有限公司', 2]])}`;
}

async function generate(ctx: GenerationContext): Promise<void> {
  const rnd = new SeededRandom(ctx.seed, 'market.enterprises');
  const pools = givenNamePools();
  const given = [...pools.male_old, ...pools.male_new, ...pools.male_old, ...pools.female_old, ...pools.female_new];
  const count = Math.max(20, Math.round(ctx.scale * ENTERPRISES_PER_RESIDENT));
  const asOf = Date.parse(`${DATA_AS_OF}T00:00:00Z`);
  const earliest = Date.parse('1992-01-01T00:00:00Z');
  const divisionWeights = QIQIHAR_DIVISIONS.map((d) => [d, d.weight * (d.kind === 'district' ? 1.6 : 1)] as const);
  const names = new Set<string>();
  const codes = new Set<string>();
  const rows: ReferenceValue[][] = [];
  for (let i = 0; i < count; i++) {
    const [category, , prefix] = rnd.weighted(CATEGORIES.map((c) => [c, c[1]] as const));
    const div = rnd.weighted(divisionWeights);
    const ind = rnd.weighted(INDUSTRY_SECTIONS.map((s) => [s, s[category]] as const));
    // Registrations accelerated after the 2014 commercial registration reform: skew toward recent dates.
    const established = asOf - Math.floor(rnd.next() ** 1.7 * ((asOf - earliest) / DAY)) * DAY;
    let name = entityName(rnd, category, div, ind);
    for (let k = 0; names.has(name); k++) name = k < 20 ? entityName(rnd, category, div, ind) : `${name.slice(0, -2)}${k}${name.slice(-2)}`;
    names.add(name);
    let code = creditCode(rnd, prefix, div.code, established >= Date.parse('2015-10-01T00:00:00Z'));
    while (codes.has(code)) code = creditCode(rnd, prefix, div.code, true);
    codes.add(code);
    const ageYears = (asOf - established) / DAY / 365.25;
    const status = rnd.next() < 0.04 + 0.3 * (ageYears / 33) ? rnd.weighted(STATUSES_CLOSED) : '存续';
    const median = category === 'company' ? 100 : category === 'cooperative' ? 60 : 5;
    const capital = Math.max(0.5, Math.round(median * Math.exp((category === 'company' ? 1.4 : 1.0) * rnd.normal()) * 100) / 100);
    const legalRep = rnd.weighted(HAN_SURNAMES) + rnd.pick(given);
    rows.push([i, code, name, legalRep, ind.name, div.name, capital, new Date(established).toISOString().slice(0, 10), status, category]);
  }
  await loadReferenceTable(ctx.connection, 'enterprise_stage', {
    ord: 'INTEGER', credit_code: 'VARCHAR', name: 'VARCHAR', legal_rep: 'VARCHAR', industry: 'VARCHAR', district: 'VARCHAR',
    registered_capital: 'DOUBLE', established_on: 'VARCHAR', status: 'VARCHAR', category: 'VARCHAR',
  }, rows);
  await ctx.insert('enterprises', `
    SELECT credit_code, name, legal_rep, industry, district, CAST(registered_capital AS DECIMAL(14,2)) AS registered_capital,
           CAST(established_on AS DATE) AS established_on, status
    FROM enterprise_stage ORDER BY ord`);
  // Employers of insured workers: operating companies, largest capital first (the insured generator
  // draws employers with a skew toward the top of this list, as large employers employ more people).
  await ctx.connection.run(`
    CREATE OR REPLACE TEMP TABLE employer AS
    SELECT row_number() OVER (ORDER BY registered_capital DESC, ord) - 1 AS k, credit_code
    FROM enterprise_stage WHERE category = 'company' AND status = '存续'
    ORDER BY k`);
  await ctx.connection.run('DROP TABLE enterprise_stage');
}

export const generator: DatasetGenerator = { dataset: 'market', after: [], generate };
