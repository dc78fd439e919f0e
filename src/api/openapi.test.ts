// /openapi.json describes every route the app serves, its schemas are valid JSON Schema (2020-12), and
// the app's real answers validate against the schemas it publishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { type } from 'arktype';
import { testService, type TestService } from '../../test/support/service.ts';
import { DEFAULT_ROUTE_MODULES, type RouteModule } from './routes/index.ts';
import { isConsolePath } from '../console/console-env.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A route group registered after the OpenAPI route, as the lead's query routes will be. */
const laterRoutes: RouteModule = (routes) =>
  routes.add(
    {
      method: 'post',
      path: '/v1/later/{thing}',
      operationId: 'laterThing',
      summary: 'registered last',
      tags: ['later'],
      access: ['reviewer'],
      params: type({ thing: /^[a-z]+$/ }),
      body: type({ sql: 'string', '+': 'reject' }),
      response: { description: 'ok', schema: type({ ok: 'boolean' }) },
      errors: ['POLICY_DENIED'],
    },
    () => ({ ok: true }),
  );

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  security: unknown[];
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

let t: TestService;
let doc: Doc;
beforeAll(async () => {
  t = await testService({ routes: [...DEFAULT_ROUTE_MODULES, laterRoutes] });
  const res = await t.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(() => t.cleanup());

const ajv = () => {
  const a = new Ajv2020({ strict: false, allErrors: true });
  addFormats(a);
  return a;
};

describe('GET /openapi.json', () => {
  it('is public and declares OpenAPI 3.1', async () => {
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('describes every route the app serves, including routes registered after it', () => {
    const served = t.service.app.routes
      // The console's HTML pages (src/console) are not part of the API description.
      .filter((r) => r.method !== 'ALL' && !isConsolePath(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(new Set(described)).toEqual(new Set(served));
    expect(described).toContain('post /v1/later/{thing}');
  });

  it('documents path parameters, the request body, the security requirement and the error codes of a route', () => {
    const op = doc.paths['/v1/later/{thing}']?.post;
    expect(op?.parameters).toEqual([expect.objectContaining({ name: 'thing', in: 'path' })]);
    expect(op?.requestBody).toBeDefined();
    expect(op?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403', '404', '413', '422', '500']);
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
  });

  it('contains only schemas that compile as JSON Schema 2020-12', () => {
    const a = ajv();
    a.addSchema(doc.components.schemas.Error as object, '#/components/schemas/Error');
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const r of Object.values(op.responses)) {
          const s = r.content?.['application/json']?.schema as { $ref?: string } | undefined;
          if (s && !s.$ref) expect(() => a.compile(s)).not.toThrow();
        }
      }
    }
  });

  it.each([
    { path: '/healthz', role: undefined },
    { path: '/.well-known/jwks.json', role: undefined },
    { path: '/v1/catalog', role: 'researcher' as const },
    { path: '/v1/catalog/{dataset}', url: '/v1/catalog/transit', role: 'steward' as const },
  ])('has a response schema that the real answer of GET $path validates against', async ({ path, url, role }) => {
    const res = await t.request(url ?? path, role ? { token: await t.token(role) } : {});
    const schema = doc.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema;
    expect(schema).toBeDefined();
    const validate = ajv().compile(schema as object);
    expect(validate(await res.json()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('has an error schema that real error answers validate against', async () => {
    const validate = ajv().compile(doc.components.schemas.Error as object);
    for (const url of ['/nope', '/v1/catalog']) expect(validate(await (await t.request(url)).json())).toBe(true);
  });
});
