// DsbxClient: the developers' typed way into the sandbox over HTTP. Every answer is checked against the
// API's own schema before it is returned, so a caller never holds a value of the wrong shape.
import { type, type Type } from 'arktype';
import { ErrorBodySchema } from '../api/error-body.ts';
import { ExplainResponseSchema, QueryResponseSchema } from '../api/query-response.ts';
import { BudgetResponseSchema } from '../api/routes/budget.ts';
import { CatalogViewSchema, DatasetViewSchema } from '../api/routes/catalog.ts';
import type {
  BudgetReport, CatalogView, DatasetView, ExplainResponse, HistoryPage, HistoryQuery, QueryRequest, QueryResponse,
} from './api-types.ts';
import { DsbxError } from './dsbx-error.ts';

export interface DsbxClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** A license token (JWT). Sent only in the Authorization header; never in a URL, a message or a log. */
  readonly token: string;
  /** Gives up on an answer after this long (default 120 s; a query's own timeout is the server's). */
  readonly timeoutMs?: number;
}

// The history route's schema lives beside the lineage routes (importing it would load the server's
// lineage modules into every client), so its answers are checked only for their outer shape.
const HistoryPageShape = type({ items: 'object[]', 'nextCursor?': 'string' });

export class DsbxClient {
  readonly url: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(opts: DsbxClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new TypeError('dsbx client: url is not a URL');
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('dsbx client: url must be http or https');
    if (base.search || base.hash || base.username || base.password) throw new TypeError('dsbx client: url must not carry a query, fragment or credentials');
    if (typeof opts.token !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(opts.token)) {
      throw new TypeError('dsbx client: token is not a JWT');
    }
    const timeoutMs = opts.timeoutMs ?? 120_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('dsbx client: timeoutMs must be a positive integer');
    this.url = base.href.replace(/\/+$/, '');
    this.#token = opts.token;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs a SELECT; resolves with the protected result, rejects with a DsbxError carrying the API's code. */
  query(req: QueryRequest): Promise<QueryResponse> {
    return this.#call('POST', '/v1/query', QueryResponseSchema, req);
  }

  /** The decision and protections the query would get, without running it (the attempt is still recorded). */
  explain(req: QueryRequest): Promise<ExplainResponse> {
    return this.#call('POST', '/v1/query/explain', ExplainResponseSchema, req);
  }

  catalog(): Promise<CatalogView> {
    return this.#call('GET', '/v1/catalog', CatalogViewSchema);
  }

  dataset(id: string): Promise<DatasetView> {
    return this.#call('GET', `/v1/catalog/${encodeURIComponent(id)}`, DatasetViewSchema);
  }

  /** The caller's own ε budgets per dataset (datasets under differential privacy). */
  budget(): Promise<BudgetReport> {
    return this.#call('GET', '/v1/budget', BudgetResponseSchema);
  }

  /** The caller's own past queries and explains, newest first, a page at a time. */
  async history(q: HistoryQuery = {}): Promise<HistoryPage> {
    const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const suffix = params.size ? `?${params}` : '';
    return (await this.#call('GET', `/v1/query/history${suffix}`, HistoryPageShape)) as unknown as HistoryPage;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, schema: Type<T>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
        // The API never redirects; following one would carry the token to wherever it points.
        redirect: 'manual',
      });
    } catch (e) {
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      throw new DsbxError('UNREACHABLE', timedOut ? 'the service did not answer in time' : 'the service could not be reached');
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new DsbxError('BAD_RESPONSE', 'the service answered with something other than JSON', { status: res.status });
    }
    if (!res.ok) throw errorFrom(res.status, json);
    const checked = schema(json);
    if (checked instanceof type.errors) throw new DsbxError('BAD_RESPONSE', 'the service answered in an unexpected shape', { status: res.status });
    return checked as T;
  }
}

function errorFrom(status: number, json: unknown): DsbxError {
  const body = ErrorBodySchema(json);
  if (body instanceof type.errors) return new DsbxError('BAD_RESPONSE', 'the service answered an error in an unexpected shape', { status });
  const e = body.error;
  return new DsbxError(e.code, e.message, {
    status,
    ...(e.details ? { details: e.details as Record<string, unknown> } : {}),
    ...(e.lineageId ? { lineageId: e.lineageId } : {}),
  });
}
