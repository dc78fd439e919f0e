// The schema of every error response, `{ error: { code, message, details?, lineageId? } }` (DESIGN.md).
import { type } from 'arktype';
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const ErrorBodySchema = type({
  error: {
    code: type.enumerated(...CODES),
    message: 'string',
    'details?': 'object',
    'lineageId?': 'string',
  },
});
