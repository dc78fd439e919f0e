// Every code the API or the client can produce maps to one documented, non-zero exit status.
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../../errors.ts';
import { EXIT_CODES, exitCodeFor, exitCodeHelp } from './exit-code.ts';

const API_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('exitCodeFor', () => {
  it.each(API_CODES.map((code) => ({ code })))('gives $code a non-zero status that is not a usage or crash status', ({ code }) => {
    expect(exitCodeFor(code)).toBeGreaterThanOrEqual(EXIT_CODES.refused);
  });

  it('groups codes so a script can tell fixing the query from licensing from waiting', () => {
    expect(exitCodeFor('POLICY_DENIED')).toBe(exitCodeFor('SQL_SYNTAX'));
    expect(exitCodeFor('NOT_LICENSED')).toBe(exitCodeFor('UNAUTHENTICATED'));
    expect(exitCodeFor('BUDGET_EXHAUSTED')).toBe(exitCodeFor('RATE_LIMITED'));
    expect(exitCodeFor('UNREACHABLE')).toBe(exitCodeFor('INTERNAL'));
    expect(new Set([exitCodeFor('POLICY_DENIED'), exitCodeFor('NOT_LICENSED'), exitCodeFor('BUDGET_EXHAUSTED'), exitCodeFor('INTERNAL')]).size).toBe(4);
  });
});

describe('exitCodeHelp', () => {
  it('names every API code once', () => {
    const help = exitCodeHelp();
    for (const code of API_CODES) expect(help.match(new RegExp(`\\b${code}\\b`, 'g'))).toHaveLength(1);
  });
});
