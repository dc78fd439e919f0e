// Loads and validates the policy files in policies/. A bad file stops startup naming the file and field.
import path from 'node:path';
import { ConfigFileError, loadYamlFile } from '../catalog/load.ts';
import { checkEnforcedLevels } from './enforced-levels.ts';
import { FunctionsSchema, GradingSchema, ProfilesSchema, type Policy } from './schema.ts';

export function loadPolicy(dir: string): Policy {
  const gradingFile = path.join(dir, 'grading.yaml');
  const grading = loadYamlFile(gradingFile, GradingSchema);
  checkEnforcedLevels(grading.levels, gradingFile);
  const profiles = loadYamlFile(path.join(dir, 'profiles.yaml'), ProfilesSchema);
  const functionsFile = path.join(dir, 'functions.yaml');
  const functions = loadYamlFile(functionsFile, FunctionsSchema);
  const classes: Record<string, string[]> = {
    scalar: functions.scalar,
    generalizing: Object.keys(functions.generalizing),
    masking: functions.masking,
    'aggregates.ordinary': functions.aggregates.ordinary,
    'aggregates.orderStatistics': functions.aggregates.orderStatistics,
    'aggregates.member': functions.aggregates.member,
  };
  const seen = new Map<string, string>();
  for (const [cls, names] of Object.entries(classes)) {
    for (const n of names) {
      const before = seen.get(n);
      if (before) throw new ConfigFileError(functionsFile, `${cls}: ${n} is already listed under ${before}`);
      seen.set(n, cls);
    }
  }
  if (profiles.dp.epsilonPerQuery > profiles.dp.maxEpsilonPerQuery) {
    throw new ConfigFileError(path.join(dir, 'profiles.yaml'), 'dp.epsilonPerQuery: must not exceed dp.maxEpsilonPerQuery');
  }
  return { grading, profiles, functions };
}
