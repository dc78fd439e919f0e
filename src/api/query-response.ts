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

export const DisclosureSchema = type({
  threshold: thresholdSchema,
  suppressedGroups: 'number.integer >= 0',
  suppressedRows: 'number.integer >= 0',
  rounding: 'number | null',
  kAnonymity: 'number | null',
  truncated: 'boolean',
  rowCount: 'number.integer >= 0',
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
  '+': 'delete',
});
