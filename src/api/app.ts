// Builds the Hono application from its dependencies: the middleware chain every request passes through
// (request id, log, secure headers, body limit), the error and not-found handlers, and the route modules.
import crypto from 'node:crypto';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../errors.ts';
import { createConsoleApp } from '../console/console-app.tsx';
import { CONSOLE_BASE, isConsolePath } from '../console/console-env.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { handleError, handleNotFound } from './error-handler.ts';
import { requestBodyLimit } from './body-limit.ts';
import { createApiDescription } from './openapi.ts';
import { requestLog } from './request-log.ts';
import { createRouteTable } from './route-table.ts';
import { DEFAULT_ROUTE_MODULES, type RouteModule } from './routes/index.ts';

export const API_INFO = {
  title: 'dsbx',
  description: 'Public-data sandbox: raw data never leaves the domain; data is usable but not visible.',
} as const;

export function createApp(deps: AppDeps, modules: readonly RouteModule[] = DEFAULT_ROUTE_MODULES): Hono<AppEnv> {
  if (!Number.isInteger(deps.config.maxBodyBytes) || deps.config.maxBodyBytes <= 0) {
    throw new Error('createApp: config.maxBodyBytes must be a positive integer');
  }
  const app = new Hono<AppEnv>();
  app.use('*', async function contextSetup(c, next) {
    c.set('deps', deps);
    const requestId = crypto.randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await next();
  });
  app.use('*', requestLog());
  // An API answers JSON: nothing in a response should ever be rendered, framed or run by a browser.
  const apiSecureHeaders = secureHeaders({ crossOriginResourcePolicy: 'same-origin', contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } });
  // Except the console's pages, which set their own page-shaped policy (src/console/security-headers.ts).
  app.use('*', function securityHeaders(c, next) {
    return isConsolePath(c.req.path) ? next() : apiSecureHeaders(c, next);
  });
  app.use('*', async function noStore(c, next) {
    await next();
    // Catalog answers and query results are for the caller alone; routes that may be cached say so.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });
  app.use(
    '*',
    requestBodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: (c) => c.json(new AppError('PAYLOAD_TOO_LARGE', 'request body too large').toBody(), 413),
    }),
  );
  app.onError(handleError);
  app.notFound(handleNotFound);
  const routes = createRouteTable(app, createApiDescription({ ...API_INFO, version: deps.version ?? '0.0.0' }));
  for (const register of modules) register(routes, deps);
  app.route(CONSOLE_BASE, createConsoleApp(deps) as unknown as Hono<AppEnv>);
  return app;
}
