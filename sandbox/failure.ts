// The sandbox's failures: a closed set of causes, each with the error code and the message we wrote for it.
// DuckDB's own error text never becomes a message (it can carry values, file paths and SQL); a cause is
// all that crosses the process boundary, and the caller sees the code, our message and the cause.
import { AppError } from '../src/errors.ts';

export const FAILURES = {
  queue_full: { code: 'RATE_LIMITED', message: 'Too many queries are waiting for the sandbox; try again shortly.' },
  timeout: { code: 'QUERY_TIMEOUT', message: 'The query ran longer than the time limit and was cancelled.' },
  out_of_memory: { code: 'RESOURCE_LIMIT', message: 'The query needed more memory or temporary storage than the sandbox allows.' },
  statement_refused: { code: 'INTERNAL', message: 'The sandbox refused to run the statement.' },
  column_mismatch: { code: 'INTERNAL', message: 'The result did not match the compiled plan; nothing was released.' },
  plan_invalid: { code: 'INTERNAL', message: 'The compiled plan is not one the output gate can apply; nothing was released.' },
  unsupported_type: { code: 'INTERNAL', message: 'The result contains a column type the output gate does not release.' },
  profile_unsupported: { code: 'INTERNAL', message: 'The protection profile of this query is not available in the output gate yet.' },
  engine_error: { code: 'INTERNAL', message: 'The query failed inside the sandbox.' },
  // The process is restarted at once: these are worth a retry, so they answer 503 UNAVAILABLE, not 500.
  executor_crashed: { code: 'UNAVAILABLE', message: 'The sandbox process stopped while running the query; it has been restarted. Try again.' },
  executor_unavailable: { code: 'UNAVAILABLE', message: 'The sandbox process is not available; try again shortly.' },
  malformed_message: { code: 'INTERNAL', message: 'The sandbox answered with a malformed message.' },
} as const satisfies Record<string, { code: 'INTERNAL' | 'UNAVAILABLE' | 'QUERY_TIMEOUT' | 'RESOURCE_LIMIT' | 'RATE_LIMITED'; message: string }>;

export type FailureCause = keyof typeof FAILURES;
export const FAILURE_CAUSES = Object.keys(FAILURES) as FailureCause[];

/** An AppError raised by the sandbox; `details.cause` names which of the closed set of failures it was. */
export class SandboxError extends AppError {
  readonly cause_: FailureCause;

  constructor(cause: FailureCause) {
    super(FAILURES[cause].code, FAILURES[cause].message, { cause });
    this.name = 'SandboxError';
    this.cause_ = cause;
  }
}

export const isSandboxError = (e: unknown): e is SandboxError => e instanceof SandboxError;
