// The security reviewers' view of the lineage log: list with filters and cursor pagination, one record,
// chain verification, and the OpenLineage export. Reviewers see SQL text and decisions; the log never holds
// result rows, so neither can they. Developers and researchers get 403 here (their own history is
// GET /v1/query/history).
import { type } from 'arktype';
import { AppError } from '../../errors.ts';
import { LineageRecordSchema } from '../../lineage/record.ts';
import { toOpenLineageNdjson } from '../../lineage/openlineage.ts';
import { readLineageRecords } from '../../lineage/record-reader.ts';
import { homePaths } from '../../config.ts';
import type { LineageFilter, LineageStore } from '../../lineage/store.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const isoTime = 'string.date.iso';

export const LineageListQuerySchema = type({
  'subject?': '0 < string <= 200',
  'org?': '0 < string <= 200',
  'dataset?': '0 < string <= 64',
  'table?': '0 < string <= 130',
  'column?': '0 < string <= 200',
  'decision?': "'allow' | 'deny'",
  'code?': /^[A-Z][A-Z_]{0,40}$/,
  'kind?': /^[a-z][a-z_]{0,40}$/,
  'from?': isoTime,
  'to?': isoTime,
  'cursor?': /^[0-9]{1,15}$/,
  'limit?': /^[1-9][0-9]{0,3}$/,
  '+': 'reject',
});

export const LineagePageSchema = type({ records: LineageRecordSchema.array(), 'nextCursor?': 'string', '+': 'reject' });

export const VerifyResponseSchema = type({
  ok: 'boolean',
  count: 'number.integer >= 0',
  head: 'string',
  checkpoints: { count: 'number.integer >= 0', verified: 'number.integer >= 0' },
  'firstBad?': { seq: 'number.integer >= 0', 'id?': 'string', reason: 'string' },
  '+': 'delete',
});

const IdParamsSchema = type({ id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '+': 'reject' });

export const listLimit = (raw: string | undefined, fallback = 100): number => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new AppError('BAD_REQUEST', 'limit must be between 1 and 1000');
  return n;
};

export function registerLineageRoutes(routes: RouteTable, deps: AppDeps): void {
  const store: LineageStore | undefined = deps.lineage;
  if (!store) return;
  routes.add(
    {
      method: 'get',
      path: '/v1/lineage',
      operationId: 'listLineage',
      summary: 'Lineage records, newest first, filtered by subject, org, dataset, table, column, decision, code, time',
      tags: ['lineage'],
      access: ['reviewer'],
      query: LineageListQuerySchema,
      response: { description: 'a page of records', schema: LineagePageSchema },
    },
    async (_c, { query }) => {
      const { cursor, limit, ...filter } = query;
      return store.list(filter as LineageFilter, { limit: listLimit(limit), ...(cursor ? { cursor } : {}) });
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/lineage/verify',
      operationId: 'verifyLineage',
      summary: 'Recompute the hash chain and check the signed checkpoints',
      tags: ['lineage'],
      access: ['reviewer'],
      response: { description: 'the verification report', schema: VerifyResponseSchema },
    },
    () => store.verify(),
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/lineage/export',
      operationId: 'exportLineage',
      summary: 'Every record as an OpenLineage RunEvent (NDJSON), with column lineage and the dsbx_privacy facet',
      tags: ['lineage'],
      access: ['reviewer'],
      response: { description: 'OpenLineage RunEvents, one a line', contentType: 'application/x-ndjson' },
    },
    () => {
      // Streams from the segment files in chain order, one segment in memory at a time.
      const lines = toOpenLineageNdjson(readLineageRecords(homePaths(deps.config.home).lineage));
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      });
      return new Response(stream, { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' } });
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/v1/lineage/{id}',
      operationId: 'getLineageRecord',
      summary: 'One lineage record',
      tags: ['lineage'],
      access: ['reviewer'],
      params: IdParamsSchema,
      response: { description: 'the record', schema: LineageRecordSchema },
    },
    async (_c, { params }) => {
      const record = await store.get(params.id);
      if (!record) throw new AppError('NOT_FOUND', 'no such lineage record');
      return record;
    },
  );
}
