// The route modules the service registers, in order. A new route group is one file under routes/
// exporting a RouteModule, added to this list.
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';
import { registerApplicationRoutes } from './applications.ts';
import { registerBudgetRoutes } from './budget.ts';
import { registerIncidentRoutes } from './incidents.ts';
import { registerObjectionRoutes } from './objections.ts';
import { registerCatalogRoutes } from './catalog.ts';
import { registerCatalogChangeRoutes } from './catalog-changes.ts';
import { registerAdminRoutes } from './admin.ts';
import { registerHealthRoutes } from './health.ts';
import { registerJwksRoutes } from './jwks.ts';
import { registerOpenApiRoutes } from './openapi.ts';
import { registerHistoryRoutes } from './history.ts';
import { registerLineageRoutes } from './lineage.ts';
import { registerMetricsRoutes } from './metrics.ts';
import { registerQueryRoutes } from './query.ts';
import { registerOpenDataRoutes } from './open-data.ts';
import { registerReportRoutes } from './reports.ts';

export type RouteModule = (routes: RouteTable, deps: AppDeps) => void;

export const DEFAULT_ROUTE_MODULES: readonly RouteModule[] = [
  registerHealthRoutes,
  registerJwksRoutes,
  registerOpenApiRoutes,
  // Before the catalog routes: /v1/catalog/changes must not be taken for a dataset named "changes".
  registerCatalogChangeRoutes,
  registerCatalogRoutes,
  registerAdminRoutes,
  registerMetricsRoutes,
  registerQueryRoutes,
  registerHistoryRoutes,
  registerBudgetRoutes,
  registerLineageRoutes,
  registerApplicationRoutes,
  registerObjectionRoutes,
  registerIncidentRoutes,
  registerReportRoutes,
  registerOpenDataRoutes,
];
