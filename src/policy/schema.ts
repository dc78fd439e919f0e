// The policy files' types and arktype schemas: grading rules per level, protection profiles, function allowlist.
import { type } from 'arktype';

const localized = type({ zh: 'string > 0', en: 'string > 0' });

export const LevelRuleSchema = type({
  title: localized,
  groupKey: "'raw' | 'generalized' | 'never'",
  aggregates: "'all' | 'ordinary' | 'count_only'",
  memberAggregates: 'boolean',
  orderStatistics: 'boolean',
  filter: "'any' | 'constant_comparison' | 'null_check'",
  rowRelease: "'raw' | 'generalized_or_masked' | 'masked_or_pseudonym'",
  '+': 'reject',
});

export const GradingSchema = type({
  levels: { L1: LevelRuleSchema, L2: LevelRuleSchema, L3: LevelRuleSchema, L4: LevelRuleSchema, '+': 'reject' },
  '+': 'reject',
});

export const ProfilesSchema = type({
  threshold: { k: 'number.integer >= 2', rounding: 'number.integer >= 1', perUnitCountBound: 'number.integer >= 1', '+': 'reject' },
  rows: { kAnonymity: 'number.integer >= 2', rowCap: 'number.integer >= 1', '+': 'reject' },
  dp: {
    epsilonPerQuery: 'number > 0',
    maxEpsilonPerQuery: 'number > 0',
    budget: 'number > 0',
    delta: '0 < number < 1',
    maxGroups: 'number.integer >= 1',
    maxRows: 'number.integer >= 1',
    k: 'number.integer >= 1',
    '+': 'reject',
  },
  '+': 'reject',
});

const fnName = /^[a-z_][a-z0-9_]*$/;

export const FunctionsSchema = type({
  scalar: type(fnName).array(),
  errorProne: type(fnName).array(),
  generalizing: type({ '[string]': { 'minUnit?': "'month' | 'quarter' | 'year'", 'args?': 'string[]' } }),
  masking: type(fnName).array(),
  aggregates: {
    ordinary: type(fnName).array(),
    orderStatistics: type(fnName).array(),
    member: type(fnName).array(),
    '+': 'reject',
  },
  '+': 'reject',
});

export type LevelRule = typeof LevelRuleSchema.infer;
export type Grading = typeof GradingSchema.infer;
export type Profiles = typeof ProfilesSchema.infer;
export type Functions = typeof FunctionsSchema.infer;

export interface Policy {
  readonly grading: Grading;
  readonly profiles: Profiles;
  readonly functions: Functions;
}
