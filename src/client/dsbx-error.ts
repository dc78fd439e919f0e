// The error a DsbxClient call throws: the API's own code, message, violations and lineage id, or one of
// two client-side codes when no coded answer came back (the service unreachable, or an answer that is not
// the API's shape).
import type { ErrorCode, Violation } from '../errors.ts';

export type ClientErrorCode = ErrorCode | 'UNREACHABLE' | 'BAD_RESPONSE';

export class DsbxError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, or 0 when no answer came back. */
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** The lineage record of the refused attempt, when the service wrote one. */
  readonly lineageId: string | undefined;

  constructor(code: ClientErrorCode, message: string, opts: { status?: number; details?: Record<string, unknown>; lineageId?: string } = {}) {
    super(message);
    this.name = 'DsbxError';
    this.code = code;
    this.status = opts.status ?? 0;
    this.details = opts.details;
    this.lineageId = opts.lineageId;
  }

  /** The rules the query broke, each naming its column or function (POLICY_DENIED, SQL_* refusals). */
  get violations(): readonly Violation[] {
    const v = this.details?.violations;
    return Array.isArray(v) ? (v as Violation[]) : [];
  }
}

export const isDsbxError = (e: unknown): e is DsbxError => e instanceof DsbxError;
