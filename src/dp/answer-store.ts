// Released dp answers, kept durably so that an identical query returns the recorded answer instead of a
// fresh noise draw: repeating a query then gains nothing (averaging many draws would otherwise cancel the
// noise). An answer is already public to the licensee it was released to, so keeping it costs no privacy.
// One JSON object a line in $DSBX_HOME/state/dp-answers.ndjson, each append fsync'd before it counts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type } from 'arktype';
import { canonicalJson } from '../lineage/canonical-hash.ts';

/** What makes two queries "identical": same licensee, query text up to identifier case, ε, bounds, mode, data. */
export interface AnswerKeyParts {
  readonly subject: string;
  readonly fingerprint: string;
  readonly epsilon: number;
  readonly maxGroups: number;
  readonly maxRows: number;
  readonly mode: string;
  readonly dataVersion: string;
  readonly catalogVersion: string;
}

export function answerKey(parts: AnswerKeyParts): string {
  return createHash('sha256').update(canonicalJson({ ...parts })).digest('hex');
}

const StoredAnswerSchema = type({
  key: /^[0-9a-f]{64}$/,
  /** The lineage record of the release that charged for this answer. */
  lineageId: 'string > 0',
  columns: type({ name: 'string', type: 'string', protection: 'object' }).array(),
  rows: type('string | number | boolean | null').array().array(),
  /** The disclosure as first released (noise calibration included), replayed with every repeat. */
  disclosure: 'object',
  resultSha256: /^[0-9a-f]{64}$/,
  '+': 'reject',
});

export type StoredAnswer = typeof StoredAnswerSchema.infer;

export class DpAnswerStore {
  readonly #file: string;
  readonly #answers = new Map<string, StoredAnswer>();
  #tail: Promise<void> = Promise.resolve();
  /** Lines that did not validate when the file was read (a torn last line after a crash, or damage). */
  readonly skipped: number;

  private constructor(file: string, answers: StoredAnswer[], skipped: number) {
    this.#file = file;
    for (const a of answers) this.#answers.set(a.key, a);
    this.skipped = skipped;
  }

  /**
   * Reads the store. A line that does not validate is skipped: its query is then charged again and answered
   * afresh, which is safe (the budget pays for it); trusting a damaged answer would not be.
   */
  static open(file: string): DpAnswerStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const answers: StoredAnswer[] = [];
    let skipped = 0;
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      const a = StoredAnswerSchema(parsed);
      if (a instanceof type.errors) skipped++;
      else answers.push(a);
    }
    // A torn last line would glue itself to the next append: start the next one on a fresh line.
    if (text.length > 0 && !text.endsWith('\n')) fs.appendFileSync(file, '\n');
    return new DpAnswerStore(file, answers, skipped);
  }

  get(key: string): StoredAnswer | undefined {
    return this.#answers.get(key);
  }

  get size(): number {
    return this.#answers.size;
  }

  /** Appends and fsyncs the answer; resolves once it is durable. Appends are serialized. */
  put(answer: StoredAnswer): Promise<void> {
    const checked = StoredAnswerSchema(answer);
    if (checked instanceof type.errors) return Promise.reject(new Error('dp answer store: the answer does not validate'));
    const line = `${JSON.stringify(checked)}\n`;
    const write = this.#tail.then(async () => {
      const fh = await fs.promises.open(this.#file, 'a');
      try {
        await fh.write(line);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.#answers.set(checked.key, checked);
    });
    this.#tail = write.catch(() => undefined);
    return write;
  }
}
