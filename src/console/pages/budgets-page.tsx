// The budgets page: one row per license subject and dp dataset with allocation, spent and remaining ε, and a
// bar drawn in inline SVG showing how much of the allocation is used.
import type { Dictionary } from '../i18n/dictionary.ts';
import type { BudgetRow } from '../budget-summary.ts';
import { UTC_TIME, epsilon } from '../display-format.ts';

const BAR = { width: 180, height: 12 } as const;

export function UseBar(props: { spent: number; allocation: number }) {
  const share = props.allocation > 0 ? Math.min(1, props.spent / props.allocation) : 1;
  const level = share >= 0.9 ? 'high' : share >= 0.6 ? 'mid' : 'low';
  return (
    <svg class="usebar" viewBox={`0 0 ${BAR.width + 46} ${BAR.height}`} width={BAR.width + 46} height={BAR.height} role="img" aria-label={`${Math.round(share * 100)}%`}>
      <rect class="track" x={0} y={0} width={BAR.width} height={BAR.height} rx={3} />
      <rect class={`fill ${level}`} x={0} y={0} width={Math.max(share > 0 ? 2 : 0, Math.round(share * BAR.width))} height={BAR.height} rx={3} />
      <text x={BAR.width + 6} y={BAR.height - 1}>
        {`${Math.round(share * 100)}%`}
      </text>
    </svg>
  );
}

export function BudgetsPage(props: { t: Dictionary; rows: readonly BudgetRow[]; dpDatasets: readonly { id: string; title: string }[] }) {
  const { t, rows } = props;
  return (
    <>
      <h1>{t.budgetsTitle}</h1>
      <p class="intro">
        {t.budgetsIntro} {t.timesInUtc}
      </p>
      <p class="muted">
        {t.dpDatasets}: {props.dpDatasets.length === 0 ? t.noDpDatasets : props.dpDatasets.map((d) => `${d.id} · ${d.title}`).join(', ')}
      </p>
      <table class="grid budgets" data-testid="budgets-table">
        <colgroup>
          <col />
          <col />
          <col class="dataset" />
          <col class="eps" />
          <col class="eps" />
          <col class="eps" />
          <col class="use" />
          <col class="charges" />
          <col class="time" />
        </colgroup>
        <thead>
          <tr>
            <th>{t.colSubject}</th>
            <th>{t.colOrg}</th>
            <th>{t.dataset}</th>
            <th class="num">{t.colAllocation}</th>
            <th class="num">{t.colSpent}</th>
            <th class="num">{t.colRemaining}</th>
            <th>{t.colUse}</th>
            <th class="num">{t.colCharges}</th>
            <th>{t.colLastCharge}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-subject={r.subject} data-dataset={r.dataset}>
              <td title={r.subject}>{r.subject}</td>
              <td title={r.org}>{r.org}</td>
              <td>{r.dataset}</td>
              <td class="num">{epsilon(r.allocation)}</td>
              <td class="num" data-testid="spent">
                {epsilon(r.spent)}
              </td>
              <td class="num">{epsilon(r.remaining)}</td>
              <td>
                <UseBar spent={r.spent} allocation={r.allocation} />
              </td>
              <td class="num">{r.charges}</td>
              <td class="mono">{UTC_TIME(r.lastChargedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="muted">{t.noBudgets}</p> : null}
    </>
  );
}
