// The mask() methods of the catalog (datasets/*/dataset.yaml `mask:`), applied to row releases. Each keeps
// only the part of a value that the national desensitization practice (GB/T 35273 annex, and the common
// 6+4 rule for ID numbers) treats as non-identifying, and replaces the rest with `*`. Values that do not
// have the expected shape are masked entirely: a malformed value is not a reason to reveal it.
import type { MaskMethod } from '../../src/catalog/schema.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';

const stars = (n: number): string => '*'.repeat(Math.max(n, 0));

/** Keep the first `head` and last `tail` characters, star the middle; all stars if too short to hide anything. */
const keepEnds = (chars: readonly string[], head: number, tail: number, minHidden: number): string =>
  chars.length < head + tail + minHidden
    ? stars(chars.length)
    : chars.slice(0, head).join('') + stars(chars.length - head - tail) + chars.slice(chars.length - tail).join('');

// Two-character surnames that would otherwise be cut in half (and so left half-identifying the family).
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '令狐', '端木', '独孤', '南宫', '西门', '轩辕', '申屠', '澹台', '呼延', '万俟', '闻人', '赫连', '太史',
  '百里', '东郭', '钟离', '完颜', '拓跋', '爱新', '叶赫',
]);

/** 230202199001011234 → 230202********1234 (area code and check digits stay, the birth date does not). */
export const maskIdCard = (v: string): string => keepEnds([...v], 6, 4, 4);

/** 13812345678 → 138****5678. */
export const maskPhone = (v: string): string => keepEnds([...v], 3, 4, 3);

/** 张三丰 → 张**, 欧阳修 → 欧阳*; a one-character value is starred whole. */
export const maskName = (v: string): string => {
  const chars = [...v.trim()];
  const surname = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  if (chars.length <= surname) return stars(chars.length || 1);
  return chars.slice(0, surname).join('') + stars(chars.length - surname);
};

// The county-level divisions an address may be cut to, longest first (梅里斯达斡尔族区 before any prefix of it).
// Only known names are kept: a generic "ends in 区/县" rule would keep a residential compound (…小区).
const DIVISION_NAMES = QIQIHAR_DIVISIONS.map((d) => d.name).sort((a, b) => b.length - a.length);

/**
 * 黑龙江省齐齐哈尔市龙沙区明月路12号 → 齐齐哈尔市龙沙区***, 铁锋区南浦路234号 → 铁锋区***: cut to the district.
 * A province in front is dropped; an address in no known division is hidden whole.
 */
export const maskAddress = (v: string): string => {
  const rest = v.trim().replace(/^[^省]{2,7}省/u, '');
  const city = /^[^市]{2,6}市/u.exec(rest)?.[0];
  // 讷河市 is itself a county-level city: try with the prefecture city taken off first, then without.
  const candidates: [string, string][] = city ? [[city, rest.slice(city.length)], ['', rest]] : [['', rest]];
  for (const [prefix, tail] of candidates) {
    const division = DIVISION_NAMES.find((n) => tail.startsWith(n));
    if (division !== undefined) return `${prefix}${division}***`;
  }
  return '***';
};

/** Transit card numbers keep only the last 4 characters. */
export const maskCardNo = (v: string): string => {
  const chars = [...v];
  return chars.length <= 4 ? stars(chars.length) : stars(chars.length - 4) + chars.slice(-4).join('');
};

export const MASKS: Record<MaskMethod, (v: string) => string> = {
  id_card: maskIdCard,
  phone: maskPhone,
  name: maskName,
  address: maskAddress,
  card_no: maskCardNo,
};
