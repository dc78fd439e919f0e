// The mask() methods of the catalog (datasets/*/dataset.yaml `mask:`), applied to row releases. Each keeps
// only the part of a value that the national desensitization practice (GB/T 35273 annex, and the common
// 6+4 rule for ID numbers) treats as non-identifying, and replaces the rest with `*`. Values that do not
// have the expected shape are masked entirely: a malformed value is not a reason to reveal it.
import type { MaskMethod } from '../../src/catalog/schema.ts';
import { QIQIHAR_DIVISIONS } from '../../src/domain/divisions.ts';

const stars = (n: number): string => '*'.repeat(Math.max(n, 0));

const SURROGATE = /[\uD800-\uDFFF]/;

/** Keep the first `head` and last `tail` characters, star the middle; all stars if too short to hide anything. */
const keepEnds = (v: string, head: number, tail: number, minHidden: number): string => {
  // Slicing UTF-16 is exact when there are no surrogate pairs (IDs and phone numbers never have any).
  if (SURROGATE.test(v)) {
    const chars = [...v];
    return chars.length < head + tail + minHidden
      ? stars(chars.length)
      : chars.slice(0, head).join('') + stars(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
  }
  return v.length < head + tail + minHidden ? stars(v.length) : v.slice(0, head) + stars(v.length - head - tail) + v.slice(v.length - tail);
};

// Two-character surnames that would otherwise be cut in half (and so left half-identifying the family).
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
  '令狐', '端木', '独孤', '南宫', '西门', '轩辕', '申屠', '澹台', '呼延', '万俟', '闻人', '赫连', '太史',
  '百里', '东郭', '钟离', '完颜', '拓跋', '爱新', '叶赫',
]);

/** 230202199001011234 → 230202********1234 (area code and check digits stay, the birth date does not). */
export const maskIdCard = (v: string): string => keepEnds(v, 6, 4, 4);

/** 13812345678 → 138****5678. */
export const maskPhone = (v: string): string => keepEnds(v, 3, 4, 3);

/** 张三丰 → 张**, 欧阳修 → 欧阳*; a one-character value is starred whole. */
export const maskName = (v: string): string => {
  const chars = [...v.trim()];
  const surname = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  if (chars.length <= surname) return stars(chars.length || 1);
  return chars.slice(0, surname).join('') + stars(chars.length - surname);
};

// The county-level divisions an address may be cut to, longest first (梅里斯达斡尔族区 before any prefix of it).
// Only known names are kept: a generic "ends in 区/县" rule would keep a residential compound (…小区).
const DIVISIONS = QIQIHAR_DIVISIONS.map((d) => d.name)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
// A province in front is skipped; a prefecture city (…市) is kept only when a division follows it, since
// 讷河市 is itself a county-level city.
const ADDRESS = new RegExp(`^(?:[^省]{2,7}省)?((?:[^省市]{2,6}市)(?=${DIVISIONS}))?(${DIVISIONS})`, 'u');

/**
 * 黑龙江省齐齐哈尔市龙沙区明月路12号 → 齐齐哈尔市龙沙区***, 铁锋区南浦路234号 → 铁锋区***: cut to the district.
 * An address in no known division is hidden whole.
 */
export const maskAddress = (v: string): string => {
  const m = ADDRESS.exec(v.trim());
  return m ? `${m[1] ?? ''}${m[2]}***` : '***';
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
