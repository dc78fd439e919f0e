// Designated medical institutions of Qiqihar's medical insurance: the city's tertiary hospitals, which
// patients from every division travel to, and each division's own hospitals and community or township
// health centres. Codes follow the national medical insurance format H + division code + 5 digits.
import { QIQIHAR_DIVISIONS } from './divisions.ts';

export interface Hospital {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  /** Division whose residents use it as their local hospital; null for the city-wide tertiary hospitals. */
  readonly division: string | null;
  /** Relative weight among the tertiary hospitals, or among the division's local ones. */
  readonly weight: number;
}

const CITY_HOSPITALS: readonly (Omit<Hospital, 'code' | 'division'> & { readonly at: string })[] = [
  { name: '齐齐哈尔市第一医院', level: '三级甲等', weight: 22, at: '230202' },
  { name: '齐齐哈尔医学院附属第一医院', level: '三级甲等', weight: 18, at: '230203' },
  { name: '齐齐哈尔医学院附属第二医院', level: '三级甲等', weight: 18, at: '230203' },
  { name: '齐齐哈尔医学院附属第三医院', level: '三级甲等', weight: 15, at: '230204' },
  { name: '齐齐哈尔市中医医院', level: '三级甲等', weight: 8, at: '230203' },
  { name: '齐齐哈尔市妇幼保健院', level: '三级乙等', weight: 5, at: '230202' },
  { name: '齐齐哈尔市第七医院', level: '三级乙等', weight: 3, at: '230204' },
];

/** Share of claims that go to a city tertiary hospital rather than a local one, by kind of division. */
export const TERTIARY_SHARE = { district: 0.55, county: 0.22, city: 0.25 } as const;

function buildHospitals(): Hospital[] {
  const out: Hospital[] = CITY_HOSPITALS.map((h, i) => ({
    code: `H${h.at}${String(i + 1).padStart(5, '0')}`, name: h.name, level: h.level, division: null, weight: h.weight,
  }));
  for (const div of QIQIHAR_DIVISIONS) {
    const seq = (n: number) => `H${div.code}${String(100 + n).padStart(5, '0')}`;
    const town = div.towns[0] ?? div.name;
    const prefix = div.kind === 'district' ? `齐齐哈尔市${div.name}` : div.name;
    if (div.code === '230206') out.push({ code: seq(1), name: '中国一重集团有限公司职工医院', level: '二级甲等', division: div.code, weight: 45 });
    else out.push({ code: seq(1), name: `${prefix}人民医院`, level: div.kind === 'district' ? '二级乙等' : '二级甲等', division: div.code, weight: 45 });
    out.push({ code: seq(2), name: `${prefix}中医医院`, level: div.kind === 'district' ? '二级乙等' : '二级甲等', division: div.code, weight: 15 });
    out.push({
      code: seq(3),
      name: div.kind === 'district' ? `${prefix}${town}社区卫生服务中心` : `${div.name}${div.towns[1] ?? town}卫生院`,
      level: '一级甲等', division: div.code, weight: 25,
    });
    out.push({ code: seq(4), name: `${prefix}${town}卫生院`.replace('街道卫生院', '街道社区卫生服务站'), level: '一级', division: div.code, weight: 15 });
  }
  return out;
}

export const HOSPITALS: readonly Hospital[] = buildHospitals();
