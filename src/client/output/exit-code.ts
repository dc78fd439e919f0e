// The CLI's exit status for each family of error, so scripts can tell "fix the query" from "ask for a
// license" from "try again later" without parsing text. Documented in `dsbx query --help`.
import type { ClientErrorCode } from '../dsbx-error.ts';

export const EXIT_CODES = {
  ok: 0,
  /** Reserved for an unexpected failure of the CLI itself (src/cli/main.ts). */
  crash: 1,
  /** Bad options, a missing DSBX_TOKEN, an unreadable --file. */
  usage: 2,
  /** The query or request was refused as written: fix it and send again. */
  refused: 3,
  /** The license does not allow it: a token problem, a role, a dataset not licensed or suspended. */
  access: 4,
  /** A limit was reached: ε budget, rate, time or memory. Later, smaller, or with a new allocation. */
  limit: 5,
  /** The service failed, could not be reached, or answered something the client does not understand. */
  service: 6,
} as const;

const FAMILY: Readonly<Record<ClientErrorCode, keyof typeof EXIT_CODES>> = {
  BAD_REQUEST: 'refused',
  PAYLOAD_TOO_LARGE: 'refused',
  SQL_SYNTAX: 'refused',
  SQL_UNSUPPORTED: 'refused',
  SQL_AMBIGUOUS: 'refused',
  POLICY_DENIED: 'refused',
  NOT_FOUND: 'refused',
  CONFLICT: 'refused',
  UNAUTHENTICATED: 'access',
  FORBIDDEN: 'access',
  NOT_LICENSED: 'access',
  DATASET_SUSPENDED: 'access',
  BUDGET_EXHAUSTED: 'limit',
  RATE_LIMITED: 'limit',
  QUERY_TIMEOUT: 'limit',
  RESOURCE_LIMIT: 'limit',
  INTERNAL: 'service',
  UNAVAILABLE: 'service',
  UNREACHABLE: 'service',
  BAD_RESPONSE: 'service',
};

export const exitCodeFor = (code: ClientErrorCode): number => EXIT_CODES[FAMILY[code]];

/** The help text's table of exit statuses, generated from the mapping above so the two cannot disagree. */
export function exitCodeHelp(): string {
  const byFamily = new Map<string, string[]>();
  for (const [code, family] of Object.entries(FAMILY)) byFamily.set(family, [...(byFamily.get(family) ?? []), code]);
  const rows: [number, string][] = [
    [EXIT_CODES.ok, 'success'],
    [EXIT_CODES.crash, 'unexpected failure of the command itself'],
    [EXIT_CODES.usage, 'usage: bad options, DSBX_TOKEN missing, unreadable file'],
  ];
  for (const family of ['refused', 'access', 'limit', 'service'] as const) {
    rows.push([EXIT_CODES[family], `${family}: ${(byFamily.get(family) ?? []).join(', ')}`]);
  }
  return rows.map(([n, text]) => `  ${n}  ${text}`).join('\n');
}
