// GET /v1/open/{dataset}/{table}: open data (Measures arts. 17-19). Unconditionally open tables are read by
// anyone, without a license, a keyset-ordered page at a time, as CSV or JSON, streamed; a token, when sent,
// is verified (a bad one is refused) and only names the reader in lineage. Conditionally open tables are
// released desensitized only, to a licensed caller naming an approved application. Rows come through the
// query pipeline (compiler, sandbox executor, output gate) and every read leaves a lineage record; anonymous
// callers are rate-limited per network address.
import { type } from 'arktype';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Principal } from '../../auth/principal.ts';
import { homePaths } from '../../config.ts';
import { AppError, isAppError } from '../../errors.ts';
import { matchesIfNoneMatch, pageEntityTag } from '../../open/entity-tag.ts';
import { OpenDataReader, ANONYMOUS, DEFAULT_LIMIT, type Desensitization, type OpenPage } from '../../open/open-reader.ts';
import { csvStream, jsonStream } from '../../open/page-encoding.ts';
import { chooseFormat, CONTENT_TYPES, type PageFormat } from '../../open/response-format.ts';
import { catalogVersion, dataVersion } from '../../query-path.ts';
import type { AppDeps, AppEnv } from '../env.ts';
import { TokenBuckets } from '../rate-limit.ts';
import type { RouteTable } from '../route-table.ts';

const name = /^[a-z][a-z0-9_]{0,63}$/;
const OpenParamsSchema = type({ dataset: name, table: name, '+': 'reject' });
const OpenQuerySchema = type({
  'format?': "'csv' | 'json'",
  'cursor?': '0 < string <= 512',
  'limit?': /^[0-9]{1,6}$/,
  'application?': '0 < string <= 100',
  '+': 'reject',
});

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/** A page of a public table may be cached briefly by anyone; a desensitized page is for its caller alone. */
const PUBLIC_CACHE = 'public, max-age=60';
const PRIVATE_CACHE = 'private, no-store';

/** The verified license when an Authorization header is sent (a bad one is refused), else undefined. */
async function optionalPrincipal(c: Context<AppEnv>): Promise<Principal | undefined> {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const m = BEARER.exec(header.trim());
  if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'the Authorization header is not a bearer token');
  return c.var.deps.verifier.verify(m[1]);
}

/** The caller's network address for the per-address rate limit; one shared key when the socket is unknown. */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `card_no=pseudonymized; boarded_at=generalized(month, hour of day); k-anonymity=5; suppressed-rows=3` (ASCII). */
function desensitizationHeader(d: Desensitization): string {
  const columns = d.columns.map((c) => (c.method === 'generalized' ? `${c.column}=generalized(${c.released.map((r) => r.as).join(', ')})` : `${c.column}=${c.method}`));
  return [...columns, `k-anonymity=${d.kAnonymity ?? 'none'}`, `suppressed-rows=${d.suppressedRows}`, ...(d.truncated ? ['truncated'] : [])].join('; ');
}

function pageResponse(c: Context<AppEnv>, page: OpenPage, format: PageFormat, nextLink: string | null, headers: Record<string, string>): Response {
  const names = page.columns.map((col) => col.name);
  const h = new Headers({ ...headers, 'Content-Type': CONTENT_TYPES[format], 'X-Lineage-Id': page.lineageId, Vary: 'Accept, Authorization' });
  if (page.next !== null && nextLink !== null) {
    h.set('X-Next-Cursor', page.next);
    h.set('Link', `<${nextLink}>; rel="next"`);
  }
  if (page.desensitization) h.set('X-Dsbx-Desensitization', desensitizationHeader(page.desensitization));
  const body = format === 'csv'
    ? csvStream(names, page.rows)
    : jsonStream(
        {
          dataset: page.table.dataset.id,
          table: page.table.table.name,
          lineageId: page.lineageId,
          next: page.next,
          columns: page.columns.map((col) => ({ name: col.name, type: col.type, protection: col.protection })),
          desensitization: page.desensitization,
        },
        names,
        page.rows,
      );
  // The security headers the middleware set on the context are carried over to the raw response.
  c.res.headers.forEach((v, k) => {
    if (!h.has(k)) h.set(k, v);
  });
  return new Response(body, { status: 200, headers: h });
}

export function registerOpenDataRoutes(routes: RouteTable, deps: AppDeps): void {
  const pipeline = deps.query;
  if (!pipeline) return;
  const board = deps.governance?.datasetStatus;
  const status = (id: string) => board?.status(id) ?? deps.catalog.dataset(id)?.status;
  const reader = new OpenDataReader({ catalog: deps.catalog, pipeline, status, maxLimit: () => deps.policy.profiles.rows.rowCap });
  const buckets = new TokenBuckets(deps.config.rateLimit);
  const domainFile = homePaths(deps.config.home).domain;
  // The live catalog's version when there is one (a catalog change or reload makes a new one), else a hash.
  const currentCatalogVersion = (): string => deps.live?.catalog.current().id ?? catalogVersion(deps.catalog);

  routes.add(
    {
      method: 'get',
      path: '/v1/open/{dataset}/{table}',
      operationId: 'readOpenTable',
      summary: 'Rows of an open table: unconditionally open ones to anyone, conditionally open ones desensitized under an approved application',
      tags: ['open data'],
      access: 'public',
      params: OpenParamsSchema,
      query: OpenQuerySchema,
      response: {
        description:
          'One page. JSON (the default, or format=json, or Accept: application/json): an object {dataset, table, lineageId, next, columns: [{name, type, protection}], ' +
          'desensitization, rows: [{column: value}]}. CSV (format=csv or Accept: text/csv): text/csv; charset=utf-8, RFC 4180, a header line, CRLF, null as an empty field, the empty string as "", text starting with = + - @ or a tab written after an apostrophe (read as text by spreadsheets). ' +
          `Unconditionally open tables are paged in a stable key order, limit rows a page (default ${DEFAULT_LIMIT}, at most the policy's row cap); conditionally open ones ` +
          'one hour-of-day window a page (24 pages), with L4 columns pseudonymized or masked, L3 times generalized to month and hour of day, and k-anonymity over the ' +
          'quasi-identifiers; the X-Dsbx-Desensitization header and the desensitization field describe it. The next page: the opaque cursor in next / X-Next-Cursor / ' +
          'Link rel="next" (absent after the last page). Public pages carry a weak ETag and may be cached for a minute; a token, when sent, is verified and names the reader.',
        contentType: 'application/json',
      },
      errors: ['UNAUTHENTICATED', 'NOT_FOUND', 'NOT_LICENSED', 'DATASET_SUSPENDED', 'RATE_LIMITED', 'QUERY_TIMEOUT', 'RESOURCE_LIMIT', 'POLICY_DENIED'],
    },
    async (c, { params, query }) => {
      // Checked first and not recorded in lineage: a flood from one address must not become a flood of
      // fsync'd records. (Readers without a token also share the pipeline's per-subject bucket, "anonymous".)
      const wait = buckets.take(`open:${clientAddress(c)}`);
      if (wait > 0) throw new AppError('RATE_LIMITED', 'too many open-data requests from this address; slow down', { retryAfterSeconds: Math.ceil(wait) });
      const caller = await optionalPrincipal(c);
      try {
        const format = chooseFormat(query.format, c.req.header('accept'));
        const limit = query.limit === undefined ? undefined : Number(query.limit);
        const plan = reader.plan(caller, {
          dataset: params.dataset, table: params.table,
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(query.application !== undefined ? { application: query.application } : {}),
        });
        const headers: Record<string, string> = {};
        if (plan.open.open === 'unconditional') {
          const tag = pageEntityTag({
            dataVersion: dataVersion(domainFile), catalogVersion: currentCatalogVersion(), status: 'active', table: plan.name,
            cursor: query.cursor ?? null, limit: plan.limit, format,
          });
          headers['ETag'] = tag;
          headers['Cache-Control'] = PUBLIC_CACHE;
          // Nothing is read, so nothing is released: a revalidation leaves no lineage record.
          if (matchesIfNoneMatch(c.req.header('if-none-match'), tag)) return new Response(null, { status: 304, headers: { ...headers, Vary: 'Accept, Authorization' } });
        } else {
          headers['Cache-Control'] = PRIVATE_CACHE;
        }
        const page = await reader.read(plan);
        const next = page.next === null ? null : nextUrl(c.req.path, page.next, limit, format, query.format !== undefined, query.application);
        return pageResponse(c, page, format, next, headers);
      } catch (e) {
        // Refusals the pipeline did not see (bad cursor, unknown table, suspension, no application) are recorded too.
        if (isAppError(e) && e.lineageId === undefined) e.lineageId = await pipeline.recordRejected(caller ?? ANONYMOUS, 'query', '', e);
        throw e;
      }
    },
  );
}

function nextUrl(path: string, cursor: string, limit: number | undefined, format: PageFormat, explicitFormat: boolean, application: string | undefined): string {
  const q = new URLSearchParams({ cursor });
  if (limit !== undefined) q.set('limit', String(limit));
  if (explicitFormat) q.set('format', format);
  if (application !== undefined) q.set('application', application);
  return `${path}?${q.toString()}`;
}
