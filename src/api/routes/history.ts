// GET /v1/query/history: a developer's or researcher's own past attempts — what they sent, for which purpose,
// the decision and what was released — never anyone else's, and never more than their own record shows.
import { type } from 'arktype';
import type { LineageRecord } from '../../lineage/record.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';
import { listLimit } from './lineage.ts';

export const HistoryQuerySchema = type({
  'cursor?': /^[0-9]{1,15}$/,
  'limit?': /^[1-9][0-9]{0,3}$/,
  'decision?': "'allow' | 'deny'",
  '+': 'reject',
});

const HistoryItemSchema = type({
  lineageId: 'string',
  time: 'string',
  kind: 'string',
  purpose: 'string | null',
  application: 'string | null',
  sql: 'string',
  mode: "'aggregate' | 'rows' | null",
  fingerprint: 'string | null',
  decision: 'string',
  'code?': 'string',
  reasons: type({ rule: 'string', message: 'string', 'column?': 'string', 'function?': 'string', '+': 'delete' }).array(),
  datasets: 'string[]',
  rowCount: 'number | null',
  '+': 'delete',
});

export const HistoryPageSchema = type({ items: HistoryItemSchema.array(), 'nextCursor?': 'string', '+': 'delete' });

const historyItem = (r: LineageRecord): typeof HistoryItemSchema.infer => ({
  lineageId: r.id,
  time: r.time,
  kind: r.kind,
  purpose: r.purpose,
  application: r.application,
  sql: r.request.sql,
  mode: r.request.mode,
  fingerprint: r.request.fingerprint,
  decision: r.decision.effect,
  ...(r.decision.code ? { code: r.decision.code } : {}),
  reasons: r.decision.reasons,
  datasets: [...new Set(r.inputs.map((i) => i.dataset))].sort(),
  rowCount: r.result?.rowCount ?? null,
});

export function registerHistoryRoutes(routes: RouteTable, deps: AppDeps): void {
  const store = deps.lineage;
  if (!store) return;
  routes.add(
    {
      method: 'get',
      path: '/v1/query/history',
      operationId: 'queryHistory',
      summary: "The caller's own past queries and explains, newest first",
      tags: ['query'],
      access: ['developer', 'researcher'],
      query: HistoryQuerySchema,
      response: { description: 'a page of the caller’s own attempts', schema: HistoryPageSchema },
    },
    async (c, { query }) => {
      const page = await store.list(
        { subject: c.var.principal.sub, ...(query.decision ? { decision: query.decision } : {}) },
        { limit: listLimit(query.limit, 50), ...(query.cursor ? { cursor: query.cursor } : {}) },
      );
      return {
        items: page.records.filter((r) => r.kind === 'query' || r.kind === 'explain').map(historyItem),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },
  );
}
