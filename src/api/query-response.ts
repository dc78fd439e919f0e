// arktype schemas of what POST /v1/query and /v1/query/explain answer: the route table checks every answer
// against them before it leaves, and /openapi.json publishes them.
import { type } from 'arktype';

const level = "'L1' | 'L2' | 'L3' | 'L4'";

export const ProtectionSchema = type({ kind: "'group_key'", level, generalized: 'boolean', '+': 'delete' })
  .or({ kind: "'aggregate'", fn: 'string', level, rounded: 'boolean', '+': 'delete' })
  .or({ kind: "'raw'", level, '+': 'delete' })
  .or({ kind: "'generalized'", level, '+': 'delete' })
  .or({ kind: "'masked'", method: "'id_card' | 'phone' | 'name' | 'address' | 'card_no'", '+': 'delete' })
  .or({ kind: "'pseudonym'", '+': 'delete' });

const thresholdSchema = type({ k: 'number', rounding: 'number', '+': 'delete' }).or('null');

const measurement = type({ epsilon: 'number', sensitivity: 'number', scale: 'number', halfWidth95: 'number', '+': 'delete' });

/** Differential privacy: the noise of a dp release (src/dp/disclosure.ts). */
export const NoiseDisclosureSchema = type({
  mechanism: 'string',
  epsilon: 'number',
  delta: 'number',
  maxGroups: 'number',
  maxRows: 'number',
  threshold: type({ tau: 'number', noise: measurement, '+': 'delete' }).or('null'),
  columns: type({
    name: 'string',
    measure: "'count' | 'count_units' | 'sum' | 'avg'",
    bounds: type(['number', 'number']).or('null'),
    noise: measurement.or('null'),
    sum: measurement.or('null'),
    count: measurement.or('null'),
    '+': 'delete',
  }).array(),
  repeated: 'boolean',
  '+': 'delete',
});

export const BudgetLineSchema = type({ dataset: 'string', allocation: 'number', spent: 'number', remaining: 'number', '+': 'delete' });
const chargedBudgetLine = type({ dataset: 'string', allocation: 'number', spent: 'number', remaining: 'number', charged: 'number', '+': 'delete' });

export const DisclosureSchema = type({
  threshold: thresholdSchema,
  suppressedGroups: 'number.integer >= 0',
  suppressedRows: 'number.integer >= 0',
  rounding: 'number | null',
  kAnonymity: 'number | null',
  truncated: 'boolean',
  rowCount: 'number.integer >= 0',
  'noise?': NoiseDisclosureSchema,
  'budget?': chargedBudgetLine.array(),
  '+': 'delete',
});

export const QueryResponseSchema = type({
  queryId: 'string',
  lineageId: 'string',
  columns: type({ name: 'string', type: 'string', protection: ProtectionSchema, '+': 'delete' }).array(),
  rows: type('string | number | boolean | null').array().array(),
  disclosure: DisclosureSchema,
  '+': 'delete',
});

export const ExplainResponseSchema = type({
  queryId: 'string',
  lineageId: 'string',
  decision: "'allow'",
  mode: "'aggregate' | 'rows'",
  profile: "'threshold' | 'dp'",
  fingerprint: 'string',
  datasets: 'string[]',
  columns: type({ name: 'string', protection: ProtectionSchema, '+': 'delete' }).array(),
  protections: {
    threshold: thresholdSchema,
    kAnonymity: type({ k: 'number', quasiIdentifiers: 'string[]', '+': 'delete' }).or('null'),
    rowCap: 'number',
    '+': 'delete',
  },
  /** dp queries: what running it would cost and how noisy it would be, before anything is spent. */
  'dp?': {
    /** ε the query would charge: 0 when an identical query was already answered (repeat). */
    cost: 'number',
    repeat: 'boolean',
    noise: NoiseDisclosureSchema,
    budget: BudgetLineSchema.array(),
    '+': 'delete',
  },
  '+': 'delete',
});
