// The lineage list: the filter form (subject, org, dataset, decision, code, time range) and one row per
// attempt, newest first, with cursor pagination. Only facts about each attempt are shown; there are no rows.
import type { Dictionary, Language } from '../i18n/dictionary.ts';
import type { LineageRecord } from '../../lineage/record.ts';
import { CONSOLE_BASE } from '../console-env.ts';
import { UTC_TIME, datasetsOf, epsilon, orDash } from '../display-format.ts';

export interface FilterForm {
  readonly subject: string;
  readonly org: string;
  readonly dataset: string;
  readonly decision: string;
  readonly code: string;
  readonly from: string;
  readonly to: string;
}

export interface LineageListProps {
  readonly t: Dictionary;
  readonly language: Language;
  readonly form: FilterForm;
  readonly datasets: readonly { id: string; title: string }[];
  readonly codes: readonly string[];
  readonly records: readonly LineageRecord[];
  /** Address of the next (older) page, when there is one. */
  readonly olderHref?: string;
  /** Address of the first page with the same filters, when this is not it. */
  readonly newestHref?: string;
  readonly invalidFilter: boolean;
}

export function DecisionBadge(props: { t: Dictionary; effect: 'allow' | 'deny'; code?: string | undefined }) {
  return (
    <span>
      <span class={`badge ${props.effect}`}>{props.effect === 'allow' ? props.t.allow : props.t.deny}</span>
      {props.code ? <span class="code">{props.code}</span> : null}
    </span>
  );
}

export function LineageListPage(props: LineageListProps) {
  const { t, form } = props;
  const option = (value: string, label: string, current: string) => (
    <option value={value} selected={value === current}>
      {label}
    </option>
  );
  return (
    <>
      <h1>{t.lineageTitle}</h1>
      <p class="intro">
        {t.lineageIntro} {t.timesInUtc}
      </p>
      <div class="card">
        <form class="filters" method="get" action={`${CONSOLE_BASE}/lineage`} aria-label={t.filters}>
          <label>
            {t.subject}
            <input name="subject" value={form.subject} maxlength={200} autocomplete="off" />
          </label>
          <label>
            {t.org}
            <input name="org" value={form.org} maxlength={200} autocomplete="off" />
          </label>
          <label>
            {t.dataset}
            <select name="dataset">
              {option('', t.any, form.dataset)}
              {props.datasets.map((d) => option(d.id, `${d.id} · ${d.title}`, form.dataset))}
            </select>
          </label>
          <label>
            {t.decision}
            <select name="decision">
              {option('', t.any, form.decision)}
              {option('allow', t.allow, form.decision)}
              {option('deny', t.deny, form.decision)}
            </select>
          </label>
          <label>
            {t.code}
            <select name="code">
              {option('', t.any, form.code)}
              {props.codes.map((c) => option(c, c, form.code))}
            </select>
          </label>
          <label>
            {t.from}
            <input type="datetime-local" name="from" value={form.from} step={1} />
          </label>
          <label>
            {t.to}
            <input type="datetime-local" name="to" value={form.to} step={1} />
          </label>
          <span class="actions">
            <button class="primary" type="submit">
              {t.applyFilters}
            </button>
            <a class="button secondary" href={`${CONSOLE_BASE}/lineage`}>
              {t.clearFilters}
            </a>
          </span>
        </form>
      </div>
      {props.invalidFilter ? (
        <div class="notice error" role="alert" data-notice="bad-filter">
          {t.badFilter}
        </div>
      ) : null}
      <table class="grid" data-testid="lineage-table">
        <colgroup>
          <col class="time" />
          <col class="subject" />
          <col class="org" />
          <col />
          <col class="datasets" />
          <col class="decision" />
          <col class="n" />
          <col class="n" />
          <col class="eps" />
        </colgroup>
        <thead>
          <tr>
            <th>{t.colTime}</th>
            <th>{t.colSubject}</th>
            <th>{t.colOrg}</th>
            <th>{t.colPurpose}</th>
            <th>{t.colDatasets}</th>
            <th>{t.colDecision}</th>
            <th class="num">{t.colRows}</th>
            <th class="num">{t.colSuppressed}</th>
            <th class="num">{t.colEpsilon}</th>
          </tr>
        </thead>
        <tbody>
          {props.records.map((r) => (
            <tr data-record-id={r.id} data-subject={r.subject} data-decision={r.decision.effect}>
              <td>
                <a href={`${CONSOLE_BASE}/lineage/${r.id}`} class="mono">
                  {UTC_TIME(r.time)}
                </a>
              </td>
              <td title={r.subject}>{r.subject}</td>
              <td title={r.org}>{r.org}</td>
              <td title={r.purpose ?? ''}>
                {r.kind !== 'query' ? <span class="badge kind">{r.kind}</span> : null} {orDash(r.purpose)}
              </td>
              <td title={datasetsOf(r.inputs).join(', ')}>{orDash(datasetsOf(r.inputs).join(', '))}</td>
              <td title={r.decision.code ?? ''}>
                <DecisionBadge t={t} effect={r.decision.effect} code={r.decision.code} />
              </td>
              <td class="num">{orDash(r.result?.rowCount)}</td>
              <td class="num">{orDash(r.protections?.suppressedGroups)}</td>
              <td class="num">{epsilon(r.protections?.epsilonCharged)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.records.length === 0 ? <p class="muted">{t.noRecords}</p> : null}
      <div class="pager">
        <span>{props.newestHref ? <a href={props.newestHref}>{t.newestPage}</a> : null}</span>
        <span>{t.recordsShown(props.records.length)}</span>
        <span>{props.olderHref ? <a href={props.olderHref} rel="next">{t.olderPage}</a> : null}</span>
      </div>
    </>
  );
}
