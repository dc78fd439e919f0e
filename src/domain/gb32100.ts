// Unified social credit codes per GB 32100-2015: registration authority, organisation category, 6-digit
// division code, 9-character organisation code (GB 11714, with its own check character) and a final
// check character over the 31-character alphabet (no I, O, S, V, Z).

export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714 check character of an 8-character organisation code body (digits and capital letters). */
export function orgCodeCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) throw new Error('an organisation code body is 8 characters');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i] ?? '0', 36) * (ORG_WEIGHTS[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** GB 32100 check character of the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) throw new Error('a credit code uses the GB 32100 alphabet');
    sum += v * (CREDIT_WEIGHTS[i] ?? 0);
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31] ?? '';
}

/** True when the code has the GB 32100 shape and both check characters are right. */
export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  const body = code.slice(8, 16);
  if (!/^[0-9A-Z]{8}$/.test(body) || orgCodeCheckChar(body) !== code[16]) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
