// Turns anything thrown while handling a request into the DESIGN.md error body. AppErrors carry a code and
// a message we wrote; anything else becomes a generic INTERNAL, and only its name and stack frames (not
// its message, which may quote SQL literals or engine text) go to the server log.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, isAppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

function respond(c: Context<AppEnv>, err: AppError): Response {
  if (err.code === 'UNAUTHENTICATED') c.header('WWW-Authenticate', 'Bearer');
  return c.json(err.toBody(), err.status as 400);
}

const stackFrames = (e: Error): string[] =>
  (e.stack ?? '').split('\n').filter((l) => l.startsWith('    at ')).slice(0, 12).map((l) => l.trim());

export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  if (isAppError(err)) return respond(c, err);
  if (err instanceof HTTPException && err.status === 413) {
    return respond(c, new AppError('PAYLOAD_TOO_LARGE', 'request body too large'));
  }
  if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
    return respond(c, new AppError('BAD_REQUEST', 'request not understood'));
  }
  c.var.deps?.logger.error('unhandled_error', {
    requestId: c.var.requestId,
    name: err.name,
    stack: stackFrames(err),
  });
  return respond(c, new AppError('INTERNAL', 'internal error'));
};

/** Unknown paths, and known paths with a method they do not have. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(c, new AppError('NOT_FOUND', 'no such route'));
