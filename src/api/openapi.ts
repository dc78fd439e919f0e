// Assembles the OpenAPI 3.1 document from the registered route specs. Routes register themselves (see
// route-table.ts), so a route module added later appears in /openapi.json without touching this file.
import type { Type } from 'arktype';
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';
import { ErrorBodySchema } from './error-body.ts';
import { isRawResponse, type RouteSpec } from './route-spec.ts';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: Record<string, unknown>;
}

export interface ApiDescription {
  /** Adds a route; renders its schemas immediately, so a schema that cannot be described fails at startup. */
  add(spec: RouteSpec<any, any, any, any>): void;
  readonly routes: readonly RouteSpec<any, any, any, any>[];
  document(): OpenApiDocument;
}

/** JSON Schema of an arktype type, without the `$schema` marker (OpenAPI 3.1 uses draft 2020-12 already). */
export function jsonSchemaOf(schema: Type<unknown>): JsonSchema {
  // A narrowing predicate (e.g. "a finite number") has no JSON Schema form: the document shows its base type,
  // and the handler still checks the predicate.
  const { $schema: _ignored, ...rest } = schema.toJsonSchema({ fallback: { predicate: (ctx) => ctx.base } }) as JsonSchema;
  return rest;
}

function objectProperties(schema: Type<unknown>): { props: Record<string, JsonSchema>; required: Set<string> } {
  const js = jsonSchemaOf(schema);
  return {
    props: (js.properties ?? {}) as Record<string, JsonSchema>,
    required: new Set((js.required ?? []) as string[]),
  };
}

/** Every error code a route may answer with: those implied by its access and inputs, plus its own. */
export function errorCodesOf(spec: RouteSpec<any, any, any, any>): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors ?? []);
  if (spec.access !== 'public') codes.add('UNAUTHENTICATED');
  if (Array.isArray(spec.access)) codes.add('FORBIDDEN');
  if (spec.params) codes.add('NOT_FOUND');
  if (spec.query || spec.body) codes.add('BAD_REQUEST');
  if (spec.body) codes.add('PAYLOAD_TOO_LARGE');
  codes.add('INTERNAL');
  return [...codes];
}

function operation(spec: RouteSpec<any, any, any, any>): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const { props, required } = objectProperties(schema as Type<unknown>);
    for (const [name, s] of Object.entries(props)) {
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
    }
  }
  const responses: Record<string, unknown> = {};
  const r = spec.response;
  responses[String(r.status ?? 200)] = isRawResponse(r)
    ? { description: r.description, content: { [r.contentType]: { schema: { type: 'string' } } } }
    : { description: r.description, content: { 'application/json': { schema: jsonSchemaOf(r.schema as Type<unknown>) } } };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(spec)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(spec.body as Type<unknown>) } } } }
      : {}),
    responses,
    security: spec.access === 'public' ? [] : [{ bearer: [] }],
    ...(Array.isArray(spec.access) ? { 'x-dsbx-roles': spec.access } : {}),
  };
}

export function createApiDescription(info: OpenApiDocument['info']): ApiDescription {
  const routes: RouteSpec<any, any, any, any>[] = [];
  return {
    routes,
    add(spec) {
      if (routes.some((r) => r.method === spec.method && r.path === spec.path)) {
        throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} registered twice`);
      }
      if (routes.some((r) => r.operationId === spec.operationId)) throw new Error(`operationId ${spec.operationId} used twice`);
      operation(spec); // renders the schemas now: an undescribable schema fails at startup
      routes.push(spec);
    },
    document() {
      const paths: OpenApiDocument['paths'] = {};
      for (const spec of routes) (paths[spec.path] ??= {})[spec.method] = operation(spec);
      return {
        openapi: '3.1.0',
        info,
        paths,
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          schemas: { Error: jsonSchemaOf(ErrorBodySchema as Type<unknown>) },
        },
      };
    },
  };
}
