// Citizen identity numbers per GB 11643-1999: 6-digit division code of the place of birth registration,
// 8-digit birth date, 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check
// character (0-9 or X). Used by the generator (as SQL) and by the tests (in JS) to check every row.

/** Weights 2^(17-i) mod 11 for positions 1..17, as tabulated in GB 11643-1999. */
export const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character indexed by (weighted sum mod 11). */
export const ID_CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('an ID number body is 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

export interface ParsedIdNumber {
  readonly area: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly sequence: number;
  readonly gender: '男' | '女';
}

/** Parses and validates an ID number; returns undefined unless format, date and check character are valid. */
export function parseIdNumber(id: string): ParsedIdNumber | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return undefined;
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return undefined;
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)];
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${y}-${m}-${d}`) return undefined;
  const sequence = Number(id.slice(14, 17));
  return { area: id.slice(0, 6), birthDate: `${y}-${m}-${d}`, sequence, gender: sequence % 2 === 1 ? '男' : '女' };
}

export const isValidIdNumber = (id: string): boolean => parseIdNumber(id) !== undefined;

/** Weighted digit sum of a 6-digit division code (positions 1-6), precomputed per code for the SQL below. */
export function areaWeightedSum(code: string): number {
  if (!/^\d{6}$/.test(code)) throw new Error('a division code is 6 digits');
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(code[i]) * (ID_WEIGHTS[i] ?? 0);
  return sum;
}

/**
 * SQL for the check character from the parts as integers: the area's weighted sum (areaWeightedSum), the
 * birth date as yyyymmdd and the 3-digit sequence. Integer digit arithmetic, because per-character string
 * functions cost a microsecond a call and this runs once per resident.
 */
export function idCheckCharSql(areaWeightedSumSql: string, yyyymmdd: string, sequence: string): string {
  const digit = (x: string, pow: number) => `((${x}) // ${10 ** pow} % 10)`;
  const dateTerms = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `${digit(yyyymmdd, 7 - k)} * ${ID_WEIGHTS[6 + k]}`);
  const seqTerms = [0, 1, 2].map((k) => `${digit(sequence, 2 - k)} * ${ID_WEIGHTS[14 + k]}`);
  return `substr('${ID_CHECK_CHARS}', CAST((${areaWeightedSumSql} + ${[...dateTerms, ...seqTerms].join(' + ')}) % 11 AS INTEGER) + 1, 1)`;
}
