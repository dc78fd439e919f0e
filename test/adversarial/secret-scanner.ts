// Finds, in any text, every occurrence of a known set of secret strings (the domain's L4 values) in one pass:
// candidates are indexed by their first three UTF-16 units and by length, so each position of the text
// costs one map lookup at most — fast enough to scan every response of a suite (megabytes) in well under
// a second, where one regex of thousands of alternatives would not be.

export type SecretFamily = 'id_card' | 'name' | 'phone' | 'address' | 'card_no' | 'diagnosis_code';

export interface SecretHit {
  readonly family: SecretFamily;
  readonly value: string;
  /** Offset of the hit in the scanned text. */
  readonly at: number;
}

const PREFIX = 3;
const ALNUM = /[A-Za-z0-9]/;

/**
 * Short codes (diagnosis codes such as "I10") must stand alone: "I10" inside a public credit code
 * "91230202MAI10…" is not that diagnosis. Digit strings and Chinese names and addresses are matched
 * anywhere: a phone number glued to other digits, or a name inside a sentence, is still that value.
 */
const STANDS_ALONE: ReadonlySet<SecretFamily> = new Set(['diagnosis_code']);

interface Bucket {
  lengths: number[];
  readonly values: Map<string, SecretFamily>;
}

export class SecretScanner {
  readonly #buckets = new Map<string, Bucket>();
  readonly #firstUnits = new Set<number>();
  readonly size: number;

  /** Values shorter than three UTF-16 units cannot be told from ordinary text and are not accepted. */
  constructor(secrets: ReadonlyMap<string, SecretFamily>) {
    for (const [value, family] of secrets) {
      if (value.length < PREFIX) throw new Error(`secret scanner: a ${family} value shorter than ${PREFIX} units`);
      const key = value.slice(0, PREFIX);
      let bucket = this.#buckets.get(key);
      if (!bucket) this.#buckets.set(key, (bucket = { lengths: [], values: new Map() }));
      bucket.values.set(value, family);
      if (!bucket.lengths.includes(value.length)) bucket.lengths.push(value.length);
      this.#firstUnits.add(value.charCodeAt(0));
    }
    this.size = secrets.size;
  }

  scan(text: string): SecretHit[] {
    const hits: SecretHit[] = [];
    const decoded = text.includes('\\u') ? decodeJsonEscapes(text) : undefined;
    for (const t of decoded === undefined ? [text] : [text, decoded]) this.#scanOne(t, hits);
    return hits;
  }

  #scanOne(text: string, hits: SecretHit[]): void {
    const end = text.length - PREFIX;
    for (let i = 0; i <= end; i++) {
      if (!this.#firstUnits.has(text.charCodeAt(i))) continue;
      const bucket = this.#buckets.get(text.slice(i, i + PREFIX));
      if (!bucket) continue;
      for (const len of bucket.lengths) {
        const value = text.slice(i, i + len);
        const family = bucket.values.get(value);
        if (family === undefined) continue;
        if (STANDS_ALONE.has(family) && (ALNUM.test(text[i - 1] ?? '') || ALNUM.test(text[i + len] ?? ''))) continue;
        hits.push({ family, value, at: i });
      }
    }
  }
}

/** A serializer may write non-ASCII text as \uXXXX escapes; a secret so written is still the secret. */
function decodeJsonEscapes(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
