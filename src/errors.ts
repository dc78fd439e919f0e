// The closed set of error codes the service returns, their HTTP statuses, and the error class that carries them.
// Messages are written by us, never copied from an engine, a parser, a file or a token (DESIGN.md, HTTP API).

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_LICENSED: 403,
  DATASET_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  SQL_SYNTAX: 422,
  SQL_UNSUPPORTED: 422,
  SQL_AMBIGUOUS: 422,
  POLICY_DENIED: 422,
  BUDGET_EXHAUSTED: 429,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  QUERY_TIMEOUT: 504,
  RESOURCE_LIMIT: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One reason a query was refused: a rule code, and the column or function it concerns. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
  readonly column?: string;
  readonly function?: string;
  readonly position?: number;
}

export interface ErrorDetails {
  readonly violations?: readonly Violation[];
  readonly [key: string]: unknown;
}

/** An error that may be shown to a caller: a code from the closed set and a message we wrote. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  lineageId: string | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: ErrorDetails; lineageId?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(this.lineageId ? { lineageId: this.lineageId } : {}),
      },
    };
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
