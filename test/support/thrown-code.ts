// The error code a synchronous call throws, for unit tests that assert codes (never messages).
import { isAppError } from '../../src/errors.ts';

/** The AppError code `f` throws; 'not an AppError' for any other throw; undefined when it returns. */
export const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
  return undefined;
};
