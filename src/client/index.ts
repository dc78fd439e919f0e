// The dsbx TypeScript client, published as `dsbx/client`: the typed HTTP client, its error, and the
// output formats the CLI uses (so scripts print results the same way).
export { DsbxClient, type DsbxClientOptions } from './dsbx-client.ts';
export { DsbxError, isDsbxError, type ClientErrorCode } from './dsbx-error.ts';
export { clientFromEnvironment, DEFAULT_URL, MissingTokenError } from './from-environment.ts';
export type {
  BudgetReport, CatalogView, DatasetView, Disclosure, ErrorBody, ExplainResponse, HistoryPage, HistoryQuery, NoiseDisclosure,
  QueryRequest, QueryResponse, ResultColumn, ResultValue,
} from './api-types.ts';
export { toCsv } from './output/csv.ts';
export { toTable } from './output/table.ts';
export { disclosureSummary } from './output/disclosure-summary.ts';
export { exitCodeFor, EXIT_CODES } from './output/exit-code.ts';
