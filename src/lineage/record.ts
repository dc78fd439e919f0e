// The lineage record: one per attempt (DESIGN.md, Lineage record). The TS types and the arktype schemas that
// every record is checked against when it is appended and again whenever it is read back from disk.
import { type } from 'arktype';

const hex64 = /^[0-9a-f]{64}$/;
/** A finite number: JSON cannot carry NaN or Infinity, and a record must survive a round trip unchanged. */
const finite = type('number').narrow((n, ctx) => Number.isFinite(n) || ctx.mustBe('a finite number'));
const nonNegative = finite.narrow((n, ctx) => n >= 0 || ctx.mustBe('non-negative'));
const count = type('number.integer >= 0');

const ColumnRefSchema = type({ dataset: 'string > 0', table: 'string > 0', column: 'string > 0', '+': 'reject' });

const ReasonSchema = type({
  rule: 'string > 0',
  message: 'string',
  'column?': 'string',
  'function?': 'string',
  '+': 'reject',
});

const InputSchema = type({
  dataset: 'string > 0',
  table: 'string > 0',
  column: 'string > 0',
  level: "'L1' | 'L2' | 'L3' | 'L4'",
  usage: "('output' | 'filter' | 'join' | 'group' | 'aggregate')[]",
  '+': 'reject',
});

const OutputSchema = type({
  column: 'string',
  derivedFrom: ColumnRefSchema.array(),
  /** raw | generalized | masked | pseudonymized | aggregated(fn) (src/sql/compiled.ts, Transform). */
  transform: /^(raw|generalized|masked|pseudonymized|aggregated\([a-z_0-9]+\))$/,
  /** The kind of protection the output gate applied (src/sql/compiled.ts, Protection['kind']). */
  protection: 'string > 0',
  '+': 'reject',
});

const ProtectionsSchema = type({
  profile: 'string > 0',
  'threshold?': count,
  'suppressedGroups?': count,
  'suppressedRows?': count,
  'rounding?': count,
  'kAnonymity?': count,
  'noise?': { mechanism: 'string > 0', scale: nonNegative, epsilon: nonNegative, '+': 'reject' },
  'epsilonCharged?': nonNegative,
  /** dp: the contribution bounds the rewrite enforced per privacy unit, and δ of the release. */
  'contribution?': { maxGroups: 'number.integer >= 1', maxRows: 'number.integer >= 1', '+': 'reject' },
  'delta?': nonNegative,
  /** dp: what each noisy column measures and the range its values were clamped to. */
  'measures?': type({ column: 'string', measure: "'count' | 'count_units' | 'sum' | 'avg'", bounds: type([finite, finite]).or('null'), '+': 'reject' }).array(),
  '+': 'reject',
});

const entryShape = {
  /** What kind of attempt: a query, an explain, a governance action; open so later kinds need no migration. */
  kind: /^[a-z][a-z_]*$/,
  subject: 'string',
  org: 'string',
  roles: 'string[]',
  /** The license token's jti; null when the attempt carried no verified license. */
  licenseId: 'string | null',
  purpose: 'string | null',
  application: 'string | null',
  /** The purpose stated in the named application (art. 16), beside `purpose`, the one the caller sent. */
  'applicationPurpose?': 'string',
  request: {
    /** The SQL exactly as sent (reviewers see SQL text, never result rows). */
    sql: 'string',
    normalizedSql: 'string | null',
    /** What ran in the sandbox: the checked, rewritten query rendered by DuckDB (helpers, clamps, caps), or what answered in its place: its unit count by rows, then (after a semicolon and a line break) the exact release of the groups that left undecided, if any (src/sql/unit-row-bounds.ts); null when nothing was compiled. */
    executedSql: 'string | null',
    fingerprint: 'string | null',
    mode: "'aggregate' | 'rows' | null",
    '+': 'reject',
  },
  decision: {
    effect: "'allow' | 'deny'",
    /** Present on a denial, and on an allowed query that then failed (timeout, resource limit). */
    'code?': /^[A-Z][A-Z_]*$/,
    reasons: ReasonSchema.array(),
    '+': 'reject',
  },
  inputs: InputSchema.array(),
  outputs: OutputSchema.array(),
  protections: ProtectionsSchema.or('null'),
  result: type({ rowCount: count, sha256: hex64, '+': 'reject' }).or('null'),
  /** Remaining ε per dataset after this attempt, when a budget applies. */
  budgetAfter: type({ '[string]': nonNegative }).or('null'),
  timings: {
    totalMs: nonNegative,
    'compileMs?': nonNegative,
    'executeMs?': nonNegative,
    'gateMs?': nonNegative,
    '+': 'reject',
  },
  engine: { duckdb: 'string', dsbx: 'string', '+': 'reject' },
  /** Fingerprint of the domain file the query ran against. */
  dataVersion: 'string',
  catalogVersion: 'string',
  /** Governance records: the governance log events (seq) the transition wrote; `recovered` when written at a later startup. */
  'governance?': { events: type('number.integer >= 1').array(), 'recovered?': 'true', '+': 'reject' },
} as const;

export const LineageEntrySchema = type({ ...entryShape, '+': 'reject' });

const assignedShape = {
  id: /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  seq: 'number.integer >= 1',
  time: 'string.date.iso',
  prev: hex64,
} as const;

/** A record before the store has computed its hash. */
export const UnsealedRecordSchema = type({ ...entryShape, ...assignedShape, '+': 'reject' });
export const LineageRecordSchema = type({ ...entryShape, ...assignedShape, hash: hex64, '+': 'reject' });

/** The kinds the service writes today; the schema accepts any lower-case kind so that old readers keep working. */
export type LineageKind = 'query' | 'explain' | 'governance' | (string & {});

type Inferred = typeof LineageEntrySchema.infer;
/** What the caller supplies to `append`: everything but id, seq, time, prev and hash, which the store assigns. */
export type LineageEntry = Omit<Inferred, 'kind'> & { kind: LineageKind };
/** A record as stored: the entry plus the fields the store assigned and the record's own hash. */
export type LineageRecord = LineageEntry & {
  readonly id: string;
  readonly seq: number;
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
};
export type UnsealedRecord = Omit<LineageRecord, 'hash'>;

/** The previous-record hash of the first record in a chain. */
export const GENESIS_HASH = '0'.repeat(64);
