// POST /v1/query and POST /v1/query/explain: the licensed developers' and researchers' way in. The
// handlers are thin: the QueryPipeline does the work and writes the lineage record of every attempt,
// including bodies that fail validation (recorded through the route's onInvalid hook).
import type { Context } from 'hono';
import type { AppError } from '../../errors.ts';
import type { AppDeps, AppEnv } from '../env.ts';
import { ExplainResponseSchema, QueryResponseSchema } from '../query-response.ts';
import { QueryRequestSchema } from '../query-request.ts';
import type { RouteTable } from '../route-table.ts';

const QUERY_ERRORS = [
  'SQL_SYNTAX', 'SQL_UNSUPPORTED', 'SQL_AMBIGUOUS', 'POLICY_DENIED', 'NOT_LICENSED', 'DATASET_SUSPENDED',
  'BUDGET_EXHAUSTED', 'RATE_LIMITED', 'QUERY_TIMEOUT', 'RESOURCE_LIMIT', 'UNAVAILABLE',
] as const;

export function registerQueryRoutes(routes: RouteTable, deps: AppDeps): void {
  const pipeline = deps.query;
  if (!pipeline) return;
  const onInvalid = (kind: 'query' | 'explain') =>
    async function recordInvalidBody(c: Context<AppEnv>, error: AppError): Promise<void> {
      const principal = c.var.principal;
      if (principal) error.lineageId = await pipeline.recordRejected(principal, kind, '', error);
    };
  routes.add(
    {
      method: 'post',
      path: '/v1/query',
      operationId: 'runQuery',
      summary: 'Run a SELECT under the grading policy; only protected aggregates or desensitized rows come back',
      tags: ['query'],
      access: ['developer', 'researcher'],
      body: QueryRequestSchema,
      response: { description: 'the protected result and what was withheld', schema: QueryResponseSchema },
      errors: [...QUERY_ERRORS],
      onInvalid: onInvalid('query'),
    },
    (c, { body }) => pipeline.run(c.var.principal, body),
  );
  routes.add(
    {
      method: 'post',
      path: '/v1/query/explain',
      operationId: 'explainQuery',
      summary: 'The decision and the protections a query would get, without running it (still recorded)',
      tags: ['query'],
      access: ['developer', 'researcher'],
      body: QueryRequestSchema,
      response: { description: 'the decision and the protections', schema: ExplainResponseSchema },
      errors: QUERY_ERRORS.filter((e) => e !== 'QUERY_TIMEOUT' && e !== 'RESOURCE_LIMIT'),
      onInvalid: onInvalid('explain'),
    },
    (c, { body }) => pipeline.explain(c.var.principal, body),
  );
}
