// The budgets page: the ε spent per license subject and dp dataset, summed from the lineage log (new records only
// on each later visit).
import type { Hono } from 'hono';
import type { AppDeps } from '../../api/env.ts';
import type { LineageStore } from '../../lineage/store.ts';
import { BudgetSummary } from '../budget-summary.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { renderPage } from '../pages/render-page.tsx';
import { BudgetsPage } from '../pages/budgets-page.tsx';
import { requireSession } from '../require-session.tsx';
import type { SessionStore } from '../session-store.ts';
import { unavailable } from './lineage-pages.tsx';

export function registerBudgetPages(app: Hono<ConsoleEnv>, deps: AppDeps, sessions: SessionStore): void {
  const store: LineageStore | undefined = deps.lineage;
  const dp = deps.catalog.datasets.filter((d) => d.profile === 'dp');
  const summary = new BudgetSummary(deps.policy.profiles.dp.budget, dp.map((d) => d.id));
  app.get('/budgets', requireSession(sessions, 'budgets'), async (c) => {
    if (!store) return unavailable(c);
    const rows = await summary.rows(store);
    return renderPage(
      c,
      { title: c.var.t.budgetsTitle, section: 'budgets' },
      <BudgetsPage t={c.var.t} rows={rows} dpDatasets={dp.map((d) => ({ id: d.id, title: d.title[c.var.language] }))} />,
    );
  });
}
