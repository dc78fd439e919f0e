// How values read on the console's pages: times in UTC to the second, numbers, and dashes for absent values.
export const UTC_TIME = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}`;
};

export const orDash = (v: string | number | null | undefined, dash = '—'): string =>
  v === null || v === undefined || v === '' ? dash : String(v);

/** ε with as many decimals as it needs, up to 4. */
export const epsilon = (v: number | undefined): string => (v === undefined ? '—' : String(Number(v.toFixed(4))));

/** The datasets an attempt read, in order of first mention. */
export const datasetsOf = (inputs: readonly { dataset: string }[]): string[] => [...new Set(inputs.map((i) => i.dataset))];
