// GET /openapi.json: the API description, rendered at request time from every registered route, so
// routes added by later modules are included.
import { type } from 'arktype';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

export const OpenApiDocumentSchema = type({ openapi: "'3.1.0'", info: 'object', paths: 'object', components: 'object', '+': 'delete' });

export function registerOpenApiRoutes(routes: RouteTable, _deps: AppDeps): void {
  routes.add(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This API description (OpenAPI 3.1)',
      tags: ['service'],
      access: 'public',
      response: { description: 'the OpenAPI document', schema: OpenApiDocumentSchema },
    },
    () => routes.description.document(),
  );
}
