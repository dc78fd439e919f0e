// One structured log line per request: method, matched route pattern (not the raw URL, whose query string
// could carry values), status, duration and the caller's subject. Never headers, bodies or tokens.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './env.ts';

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      c.var.deps.logger.info('request', {
        requestId: c.var.requestId,
        method: c.req.method,
        route: routePath(c, -1),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        sub: c.var.principal?.sub,
      });
    }
  };
}
