// The IPC protocol between the service (sandbox/supervisor.ts) and the executor process
// (sandbox/executor/main.ts), validated with arktype on both sides: the executor accepts compiled queries,
// never free SQL from the API, and the service accepts only gated results or a coded failure. A message
// that does not validate is dropped and logged without its contents.
import { type } from 'arktype';
import type { CompiledQuery } from '../src/sql/compiled.ts';
import { FAILURE_CAUSES, type FailureCause } from './failure.ts';
import type { GateResult } from './gate/types.ts';

const level = "'L1' | 'L2' | 'L3' | 'L4'";
const name = 'string > 0';
const count = 'number.integer >= 0';
/** DuckDB size strings such as `2GB`, `512 MiB`. */
export const BYTE_SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;
/** Protocol bound on compiled SQL: the API limits callers to 64 KiB, the rewrite adds little. */
const MAX_SQL_CHARS = 1024 * 1024;

export const ProtectionSchema = type({ kind: "'group_key'", level, generalized: 'boolean' })
  .or({ kind: "'aggregate'", fn: name, level, rounded: 'boolean' })
  .or({ kind: "'raw'", level })
  .or({ kind: "'generalized'", level })
  .or({ kind: "'masked'", method: "'id_card' | 'phone' | 'name' | 'address' | 'card_no'" })
  .or({ kind: "'pseudonym'" });

const columnRef = { dataset: name, table: name, column: name } as const;

/** The dp description (src/sql/compiled.ts, DpQuery); src/dp/noise-plan.ts checks the values further. */
export const DpQuerySchema = type({
  maxGroups: 'number.integer >= 1',
  maxRows: 'number.integer >= 1',
  grouped: 'boolean',
  tauFloor: 'number.integer >= 1',
  epsilon: 'number > 0',
  delta: '0 < number < 1',
  aggregates: type({
    output: name,
    measure: "'count' | 'count_units' | 'sum' | 'avg'",
    bounds: type(['number', 'number']).or('null'),
    decimals: '0 <= number.integer <= 6',
    countHelper: type(name).or('null'),
    '+': 'reject',
  }).array(),
  '+': 'reject',
});

export const CompiledQuerySchema = type({
  version: '1',
  mode: "'aggregate' | 'rows'",
  sql: `0 < string <= ${MAX_SQL_CHARS}`,
  normalizedSql: 'string',
  fingerprint: 'string',
  profile: "'threshold' | 'dp'",
  outputs: type({
    name,
    protection: ProtectionSchema,
    derivedFrom: type(columnRef).array(),
    transform: /^(raw|generalized|masked|pseudonymized|aggregated\(.+\))$/,
    quasiIdentifier: 'boolean',
  }).array(),
  helpers: type({ name, role: "'unit_count' | 'row_count'" }).array(),
  threshold: type({ k: 'number.integer >= 1', rounding: 'number.integer >= 1' }).or('null'),
  kAnonymity: type({ k: 'number.integer >= 1', quasiIdentifiers: type(name).array() }).or('null'),
  rowCap: count,
  datasets: type(name).array(),
  inputs: type({
    ...columnRef,
    level,
    usage: type("'output' | 'filter' | 'join' | 'group' | 'aggregate'").array(),
  }).array(),
  'dp?': DpQuerySchema,
  'unitCountByRows?': {
    sql: `0 < string <= ${MAX_SQL_CHARS}`,
    decidedAbove: 'number.integer >= 0',
    'undecided?': { sqlBeforeHashes: `0 < string <= ${MAX_SQL_CHARS}`, '+': 'reject' },
    '+': 'reject',
  },
});

/** Validate a CompiledQuery that crossed a boundary; undefined when it does not validate. */
export function parseCompiledQuery(data: unknown): CompiledQuery | undefined {
  const out = CompiledQuerySchema(data);
  // The schema checks the `aggregated(...)` template with a regex, which arktype infers as plain string.
  return out instanceof type.errors ? undefined : (out as CompiledQuery);
}

const releasedValue = 'string | number | boolean | null';

export const GateResultSchema = type({
  columns: type({ name, type: 'string', protection: ProtectionSchema }).array(),
  rows: type(releasedValue).array().array(),
  disclosure: {
    threshold: type({ k: 'number.integer >= 1', rounding: 'number.integer >= 1' }).or('null'),
    suppressedGroups: count,
    suppressedRows: count,
    rounding: 'number | null',
    kAnonymity: 'number | null',
    truncated: 'boolean',
    rowCount: count,
  },
  resultSha256: /^[0-9a-f]{64}$/,
  timings: { executeMs: 'number >= 0', gateMs: 'number >= 0' },
  /** The SQL that answered, when it is not the compiled query's own (sandbox/executor/unit-count-by-rows.ts). */
  'answeredBy?': `0 < string <= ${MAX_SQL_CHARS * 3}`,
});

const failureCause = type.enumerated(...FAILURE_CAUSES);

// Service → executor.
export const InitMessage = type({
  type: "'init'",
  domainFile: name,
  tmpDir: name,
  /** The server secret for per-license pseudonym keys, hex; sent over IPC rather than argv or env. */
  pseudonymSecretHex: /^([0-9a-f]{2}){16,}$/,
  threads: 'number.integer >= 1',
  memoryLimit: BYTE_SIZE,
  tempDirectorySize: BYTE_SIZE,
  '+': 'reject',
});
export const ExecuteMessage = type({
  type: "'execute'",
  id: count,
  compiled: 'object',
  ctx: { subject: name, queryId: name },
  '+': 'reject',
});
export const InterruptMessage = type({ type: "'interrupt'", id: count, '+': 'reject' });
export const ShutdownMessage = type({ type: "'shutdown'", '+': 'reject' });
export const ToExecutor = InitMessage.or(ExecuteMessage).or(InterruptMessage).or(ShutdownMessage);

// Executor → service. `started` says the executor listens (so init is never sent into the void);
// `ready` that the hardened instance is open.
export const StartedMessage = type({ type: "'started'", '+': 'reject' });
export const ReadyMessage = type({ type: "'ready'", '+': 'reject' });
export const FatalMessage = type({ type: "'fatal'", cause: failureCause, '+': 'reject' });
export const ResultMessage = type({ type: "'result'", id: count, result: 'object', '+': 'reject' });
export const FailureMessage = type({ type: "'failure'", id: count, cause: failureCause, '+': 'reject' });
export const FromExecutor = StartedMessage.or(ReadyMessage).or(FatalMessage).or(ResultMessage).or(FailureMessage);

export type ToExecutorMessage = typeof ToExecutor.infer;
export type FromExecutorMessage = typeof FromExecutor.infer;
export type InitMessageData = typeof InitMessage.infer;

/** Validate a gated result that crossed back from the executor; undefined when it does not validate. */
export function parseGateResult(data: unknown): GateResult | undefined {
  const out = GateResultSchema(data);
  return out instanceof type.errors ? undefined : (out as GateResult);
}

export type { FailureCause };
