// Registers a route on the Hono app and in the API description in one step: applies the route's access
// rule, validates path parameters, query and body with the spec's schemas, and checks the handler's
// result against the response schema before it leaves (undeclared keys are stripped or refused).
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { type, type Type } from 'arktype';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import type { ApiDescription } from './openapi.ts';
import { readJsonBody } from './json-body.ts';
import { requireAuth } from './require-auth.ts';
import { isRawResponse, toHonoPath, type RouteSpec } from './route-spec.ts';
import { validationProblems } from './validation-problems.ts';

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

export type RouteHandler<P, Q, B, R> = (
  c: Context<AppEnv>,
  input: RouteInput<P, Q, B>,
) => Promise<R | Response> | R | Response;

export interface RouteTable {
  add<P = undefined, Q = undefined, B = undefined, R = unknown>(
    spec: RouteSpec<P, Q, B, R>,
    handler: RouteHandler<P, Q, B, R>,
  ): void;
  readonly description: ApiDescription;
}

/** Twins shared by every route table of the process (tests start many apps; building one takes ~15 ms). */
const strictTwins = new WeakMap<object, ((data: unknown) => boolean) | null>();

function strictTwinOf(schema: Type<unknown>): ((data: unknown) => boolean) | null {
  let strict = strictTwins.get(schema);
  if (strict === undefined) {
    const twin = schema.onDeepUndeclaredKey('reject');
    strict = twin.internal.includesTransform ? null : (d: unknown) => twin.allows(d);
    strictTwins.set(schema, strict);
  }
  return strict;
}

/**
 * Checks a handler's JSON answer against its response schema, with the same outcome as calling the schema
 * itself but without its per-call cost. The specs' schemas strip undeclared keys (`'+': 'delete'`), which
 * arktype implements as a morph: every call deep-clones the whole answer (every row) before deleting. So a
 * strict twin of the schema (undeclared keys refused at every depth, no morph) is built once per schema,
 * on its first answer, and tried first: an answer it allows is valid and has nothing to strip, so it is
 * exactly what the original schema would return. Anything else (undeclared keys, invalid values) goes
 * through the original schema, which strips or reports as before. A schema with real morphs (whose output
 * differs from its input) never takes the shortcut.
 */
export function responseChecker<R>(schema: Type<R>): (data: unknown) => R | InstanceType<typeof type.errors> {
  return (data) => {
    const strict = strictTwinOf(schema);
    if (strict !== null && strict(data)) return data as R;
    return schema(data) as R | InstanceType<typeof type.errors>;
  };
}

function check<T>(schema: Type<T>, data: unknown, code: 'BAD_REQUEST' | 'NOT_FOUND', what: string): T {
  const out = schema(data);
  if (out instanceof type.errors) {
    throw code === 'NOT_FOUND'
      ? new AppError('NOT_FOUND', `no such ${what}`)
      : new AppError('BAD_REQUEST', `the ${what} does not match the expected schema`, { problems: validationProblems(out) });
  }
  return out as T;
}

export function createRouteTable(app: Hono<AppEnv>, description: ApiDescription): RouteTable {
  return {
    description,
    add<P, Q, B, R>(spec: RouteSpec<P, Q, B, R>, handler: RouteHandler<P, Q, B, R>) {
      description.add(spec);
      const auth = spec.access === 'public' ? [] : [requireAuth(...(spec.access === 'authenticated' ? [] : spec.access))];
      const path = toHonoPath(spec.path);
      const r = spec.response;
      const checkResponse = isRawResponse(r) ? undefined : responseChecker(r.schema);
      const routeHandler: MiddlewareHandler<AppEnv> = async function routeHandler(c) {
        const params = spec.params ? check(spec.params, c.req.param(), 'NOT_FOUND', 'resource') : (undefined as P);
        let query = undefined as Q;
        let body = undefined as B;
        try {
          if (spec.query) {
            const all = c.req.queries();
            // A repeated parameter is ambiguous (which one counts?): refuse rather than pick one.
            if (Object.values(all).some((v) => v.length > 1)) throw new AppError('BAD_REQUEST', 'a query parameter is repeated');
            query = check(spec.query, c.req.query(), 'BAD_REQUEST', 'query string');
          }
          if (spec.body) body = await readJsonBody(c, spec.body);
        } catch (e) {
          if (spec.onInvalid && e instanceof AppError) await spec.onInvalid(c, e);
          throw e;
        }
        const result = await handler(c, { params, query, body });
        if (result instanceof Response) {
          if (isRawResponse(r)) return result;
          throw new Error(`route ${spec.operationId} returned a raw response for a JSON spec`);
        }
        if (isRawResponse(r) || checkResponse === undefined) throw new Error(`route ${spec.operationId} must return a Response`);
        const out = checkResponse(result);
        if (out instanceof type.errors) {
          c.var.deps.logger.error('response_schema_violation', {
            operationId: spec.operationId,
            paths: validationProblems(out).map((p) => p.path),
          });
          throw new AppError('INTERNAL', 'internal error');
        }
        return c.json(out as object, r.status ?? 200);
      };
      app.on([spec.method.toUpperCase()], [path], ...auth, routeHandler);
    },
  };
}
