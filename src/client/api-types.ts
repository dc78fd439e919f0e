// The client's request and response types, inferred from the API's own arktype schemas (the same schema
// objects the route table validates with and /openapi.json publishes): when the API changes, these follow.
import type { QueryRequestSchema } from '../api/query-request.ts';
import type { ExplainResponseSchema, QueryResponseSchema } from '../api/query-response.ts';
import type { CatalogViewSchema, DatasetViewSchema } from '../api/routes/catalog.ts';
import type { HistoryPageSchema, HistoryQuerySchema } from '../api/routes/history.ts';
import type { ErrorBodySchema } from '../api/error-body.ts';
import type { BudgetResponseSchema } from '../api/routes/budget.ts';

export type QueryRequest = typeof QueryRequestSchema.infer;
export type QueryResponse = typeof QueryResponseSchema.infer;
export type ExplainResponse = typeof ExplainResponseSchema.infer;
export type CatalogView = typeof CatalogViewSchema.infer;
export type DatasetView = typeof DatasetViewSchema.infer;
export type HistoryPage = typeof HistoryPageSchema.infer;
export type HistoryQuery = typeof HistoryQuerySchema.infer;
export type ErrorBody = typeof ErrorBodySchema.infer;

export type ResultColumn = QueryResponse['columns'][number];
export type ResultValue = QueryResponse['rows'][number][number];
export type Disclosure = QueryResponse['disclosure'];
export type BudgetReport = typeof BudgetResponseSchema.infer;
export type NoiseDisclosure = NonNullable<Disclosure['noise']>;
