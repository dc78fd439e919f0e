// The compiler's Decision maps onto lineage entry parts that pass the record schema as they are.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../policy/decision.ts';
import type { CompiledQuery } from '../sql/compiled.ts';
import { sealRecord } from './canonical-hash.ts';
import { decisionParts } from './from-decision.ts';
import { GENESIS_HASH } from './record.ts';
import { newRecordId } from './record-id.ts';
import { sampleEntry } from './sample-entries.ts';

const compiled: CompiledQuery = {
  version: 1,
  mode: 'aggregate',
  sql: 'SELECT district, count(*) AS n FROM utilities.heating_bills GROUP BY district',
  normalizedSql: 'SELECT district, count_star() AS n FROM utilities.heating_bills GROUP BY district',
  fingerprint: 'f'.repeat(64),
  profile: 'threshold',
  outputs: [
    {
      name: 'district',
      protection: { kind: 'group_key', level: 'L2', generalized: false },
      derivedFrom: [{ dataset: 'utilities', table: 'heating_bills', column: 'district' }],
      transform: 'raw',
      quasiIdentifier: false,
    },
    { name: 'n', protection: { kind: 'aggregate', fn: 'count_star', level: 'L1', rounded: true }, derivedFrom: [], transform: 'aggregated(count_star)', quasiIdentifier: false },
  ],
  helpers: [{ name: '__units', role: 'unit_count' }],
  threshold: { k: 10, rounding: 5 },
  kAnonymity: null,
  rowCap: 10000,
  datasets: ['utilities'],
  inputs: [
    { dataset: 'utilities', table: 'heating_bills', column: 'district', level: 'L2', usage: ['group', 'output'] },
    { dataset: 'utilities', table: 'heating_bills', column: 'id_card', level: 'L4', usage: ['aggregate'] },
  ],
};

const seal = (parts: ReturnType<typeof decisionParts>) =>
  sealRecord({
    ...sampleEntry(0),
    decision: parts.decision,
    inputs: parts.inputs,
    outputs: parts.outputs,
    protections: parts.protections,
    request: { sql: compiled.sql, normalizedSql: parts.normalizedSql, fingerprint: parts.fingerprint, mode: 'aggregate' },
    id: newRecordId(),
    seq: 1,
    time: new Date().toISOString(),
    prev: GENESIS_HASH,
  }).record;

describe('lineage parts from a decision', () => {
  it('records an allowed query with its outputs, their protections and the planned threshold', () => {
    const record = seal(decisionParts({ effect: 'allow', compiled }));
    expect(record.outputs.map((o) => [o.column, o.transform, o.protection])).toEqual([
      ['district', 'raw', 'group_key'],
      ['n', 'aggregated(count_star)', 'aggregate'],
    ]);
    expect(record.protections).toEqual({ profile: 'threshold', threshold: 10, rounding: 5 });
    expect(record.request.fingerprint).toBe(compiled.fingerprint);
  });

  it('records a denial with every violation and what the analysis had learned', () => {
    const decision: Decision = {
      effect: 'deny',
      code: 'POLICY_DENIED',
      message: 'refused',
      violations: [
        { rule: 'L4_IN_OUTPUT', message: 'A core column cannot be released.', column: 'population.residents.name', position: 7 },
        { rule: 'FUNCTION_NOT_ALLOWED', message: 'Not on the allowlist.', function: 'md5' },
      ],
      partial: { normalizedSql: 'SELECT name FROM population.residents', inputs: [{ dataset: 'population', table: 'residents', column: 'name', level: 'L4', usage: ['output'] }] },
    };
    const record = seal(decisionParts(decision));
    expect(record.decision).toEqual({
      effect: 'deny',
      code: 'POLICY_DENIED',
      reasons: [
        { rule: 'L4_IN_OUTPUT', message: 'A core column cannot be released.', column: 'population.residents.name' },
        { rule: 'FUNCTION_NOT_ALLOWED', message: 'Not on the allowlist.', function: 'md5' },
      ],
    });
    expect(record.inputs).toHaveLength(1);
    expect(record.request.fingerprint).toBeNull();
    expect(record.protections).toBeNull();
  });
});
