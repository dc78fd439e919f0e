// GET /v1/reports/providers (Measures art. 29): the assessment figures per providing organisation. An admin
// (the data management department) sees every organisation; a steward sees only their own.
import { type } from 'arktype';
import { hasRole } from '../../auth/principal.ts';
import { providerReport } from '../../governance/provider-report.ts';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const ReportQuerySchema = type({ 'from?': isoDate, 'to?': isoDate, '+': 'reject' });

const mix = { unconditional: 'number', conditional: 'number', none: 'number', '+': 'delete' } as const;
const ProviderFiguresSchema = type({
  provider: 'string',
  name: 'string | null',
  datasets: 'string[]',
  share: mix,
  open: mix,
  applications: {
    received: 'number',
    pending: 'number',
    approved: 'number',
    denied: 'number',
    coordinationRequested: 'number',
    coordinationGranted: 'number',
    coordinationUpheld: 'number',
    medianResponseWorkingDays: 'number | null',
    overdue: { open: 'number', decidedLate: 'number', '+': 'delete' },
    '+': 'delete',
  },
  objections: {
    received: 'number',
    outcomes: { filed: 'number', suspended: 'number', withdrawn: 'number', restored: 'number', reopened: 'number', '+': 'delete' },
    '+': 'delete',
  },
  '+': 'delete',
});
const ProviderReportSchema = type({
  generatedAt: 'string',
  from: 'string | null',
  to: 'string | null',
  providers: ProviderFiguresSchema.array(),
  '+': 'delete',
});

export function registerReportRoutes(routes: RouteTable, deps: AppDeps): void {
  const g = deps.governance;
  if (!g) return;
  routes.add(
    {
      method: 'get', path: '/v1/reports/providers', operationId: 'getProviderReport',
      summary: 'Assessment figures per providing organisation (art. 29): datasets, share/open mix, applications and response times, overdue, objections',
      tags: ['governance'], access: ['admin', 'steward'], query: ReportQuerySchema,
      response: { description: 'the figures, per organisation (a steward: their own only)', schema: ProviderReportSchema },
    },
    (c, { query }) => {
      const p = c.var.principal;
      return providerReport({
        catalog: deps.catalog,
        applications: g.applications.all(),
        objections: g.objections.all(),
        calendar: g.calendar,
        now: new Date(),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
        ...(hasRole(p, 'admin') ? {} : { provider: p.org }),
      });
    },
  );
}
