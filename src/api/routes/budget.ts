// GET /v1/budget: the caller's own differential-privacy budget — allocation, spent and remaining ε on every
// dp dataset their license covers. Spent includes ε held by the caller's queries that are still running.
import { type } from 'arktype';
import type { AppDeps } from '../env.ts';
import { BudgetLineSchema } from '../query-response.ts';
import type { RouteTable } from '../route-table.ts';

export const BudgetResponseSchema = type({ budgets: BudgetLineSchema.array(), '+': 'delete' });

export function registerBudgetRoutes(routes: RouteTable, deps: AppDeps): void {
  const pipeline = deps.query;
  if (!pipeline) return;
  routes.add(
    {
      method: 'get',
      path: '/v1/budget',
      operationId: 'budget',
      summary: "The caller's ε budget per differential-privacy dataset: allocation, spent, remaining",
      tags: ['query'],
      access: ['developer', 'researcher'],
      response: { description: 'one line per dp dataset the license covers', schema: BudgetResponseSchema },
    },
    (c) => ({ budgets: pipeline.budgets(c.var.principal) }),
  );
}
