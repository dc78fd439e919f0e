// The grading rules the compiler enforces, level by level. grading.yaml declares them for people to read, but
// the decisions are code (src/policy/checks.ts): a file that declares anything else would be a policy that
// silently does not apply, so loading refuses it and names the field.
import { ConfigFileError } from '../catalog/load.ts';
import type { LevelRule } from './schema.ts';

type EnforcedRule = Omit<LevelRule, 'title'>;

/** What src/policy/checks.ts decides for each level; change both together. */
export const ENFORCED_LEVEL_RULES: Readonly<Record<'L1' | 'L2' | 'L3' | 'L4', EnforcedRule>> = {
  L1: { groupKey: 'raw', aggregates: 'all', memberAggregates: true, orderStatistics: true, filter: 'any', rowRelease: 'raw' },
  L2: { groupKey: 'raw', aggregates: 'all', memberAggregates: false, orderStatistics: true, filter: 'any', rowRelease: 'raw' },
  L3: {
    groupKey: 'generalized',
    aggregates: 'ordinary',
    memberAggregates: false,
    orderStatistics: false,
    filter: 'constant_comparison',
    rowRelease: 'generalized_or_masked',
  },
  L4: { groupKey: 'never', aggregates: 'count_only', memberAggregates: false, orderStatistics: false, filter: 'null_check', rowRelease: 'masked_or_pseudonym' },
};

/** Throws a ConfigFileError listing every declared rule that differs from what the compiler enforces. */
export function checkEnforcedLevels(levels: Readonly<Record<'L1' | 'L2' | 'L3' | 'L4', LevelRule>>, file: string): void {
  const problems: string[] = [];
  for (const [level, enforced] of Object.entries(ENFORCED_LEVEL_RULES) as [keyof typeof ENFORCED_LEVEL_RULES, EnforcedRule][]) {
    for (const [key, value] of Object.entries(enforced) as [keyof EnforcedRule, EnforcedRule[keyof EnforcedRule]][]) {
      if (levels[level][key] !== value) {
        problems.push(`levels.${level}.${key}: the compiler enforces ${JSON.stringify(value)} (another rule needs a change in the compiler, not only in this file)`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigFileError(file, problems.join('; '));
}
