// The budgets page: the ε spent per license subject and dp dataset, read from the lineage log on each visit.
import type { Hono } from 'hono';
import type { LineageStore } from '../../lineage/store.ts';
import { summarizeBudgets } from '../budget-summary.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { renderPage } from '../pages/render-page.tsx';
import { BudgetsPage } from '../pages/budgets-page.tsx';
import { requireSession } from '../require-session.tsx';
import type { SessionStore } from '../session-store.ts';
import { unavailable } from './lineage-pages.tsx';

export function registerBudgetPages(app: Hono<ConsoleEnv>, store: LineageStore | undefined, sessions: SessionStore): void {
  app.get('/budgets', requireSession(sessions), async (c) => {
    if (!store) return unavailable(c);
    const { catalog, policy } = c.var.deps;
    const dp = catalog.datasets.filter((d) => d.profile === 'dp');
    const rows = await summarizeBudgets(store, policy.profiles.dp.budget, dp.map((d) => d.id));
    return renderPage(
      c,
      { title: c.var.t.budgetsTitle, section: 'budgets' },
      <BudgetsPage t={c.var.t} rows={rows} dpDatasets={dp.map((d) => ({ id: d.id, title: d.title[c.var.language] }))} />,
    );
  });
}
