// Token lifetimes written the way operators say them: `90s`, `30m`, `8h`, `7d`.
export const MAX_TTL_SECONDS = 366 * 24 * 3600;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Parses `<n><s|m|h|d>` to seconds; anything else, zero, or more than a year throws a RangeError. */
export function parseTtl(text: string): number {
  const m = /^([1-9][0-9]{0,6})([smhd])$/.exec(text.trim());
  if (!m) throw new RangeError('ttl: expected a duration like 90s, 30m, 8h or 7d');
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  if (seconds > MAX_TTL_SECONDS) throw new RangeError('ttl: at most 366d');
  return seconds;
}
