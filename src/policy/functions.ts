// Classifies a function name against the allowlist in policies/functions.yaml, plus the operators the
// subset accepts (arithmetic, LIKE, ||) and the EXTRACT/date_part units that are generalizations.
import type { Functions } from './schema.ts';

export type FunctionClass =
  | { readonly kind: 'aggregate'; readonly group: 'count' | 'ordinary' | 'orderStatistics' | 'member' }
  | { readonly kind: 'generalizing' }
  | { readonly kind: 'masking'; readonly method: 'mask' | 'pseudonym' }
  | { readonly kind: 'scalar'; readonly errorProne: boolean }
  | { readonly kind: 'not_allowed' };

/** Operators DuckDB spells as functions: arithmetic, LIKE/ILIKE (~~, ~~*) and concatenation. */
export const OPERATORS = new Set(['+', '-', '*', '/', '//', '%', '~~', '!~~', '~~*', '!~~*', '||']);

/** date_trunc units at or above a minimum unit (month by default). */
const UNIT_ORDER = ['month', 'quarter', 'year', 'decade', 'century', 'millennium'];
/** date_part / extract units that coarsen a date as year() and quarter() do. */
const GENERALIZING_PARTS = new Set(['year', 'quarter', 'decade', 'century', 'millennium']);

export function classifyFunction(fns: Functions, name: string): FunctionClass {
  if (name === 'count' || name === 'count_star') return { kind: 'aggregate', group: 'count' };
  if (fns.aggregates.ordinary.includes(name)) return { kind: 'aggregate', group: 'ordinary' };
  if (fns.aggregates.orderStatistics.includes(name)) return { kind: 'aggregate', group: 'orderStatistics' };
  if (fns.aggregates.member.includes(name)) return { kind: 'aggregate', group: 'member' };
  if (Object.hasOwn(fns.generalizing, name)) return { kind: 'generalizing' };
  if (fns.masking.includes(name)) return { kind: 'masking', method: name === 'pseudonym' ? 'pseudonym' : 'mask' };
  if (fns.scalar.includes(name) || OPERATORS.has(name)) return { kind: 'scalar', errorProne: fns.errorProne.includes(name) };
  return { kind: 'not_allowed' };
}

/** date_trunc('<unit>', x) generalizes when the unit is at least the policy's minimum unit. */
export function isCoarseTruncUnit(fns: Functions, unit: string): boolean {
  const min = fns.generalizing['date_trunc']?.minUnit ?? 'month';
  const i = UNIT_ORDER.indexOf(unit.toLowerCase());
  return i >= 0 && i >= UNIT_ORDER.indexOf(min);
}

export const isGeneralizingPart = (unit: string): boolean => GENERALIZING_PARTS.has(unit.toLowerCase());

/** Function names are echoed in violations only when they look like plain identifiers. */
export const safeFunctionName = (name: string): string | undefined => (/^[a-z_][a-z0-9_]{0,63}$/.test(name) ? name : undefined);
