// The Queues page: the filter form, the applications (deadline, overdue highlighted, state, applicant, scope),
// the objections, the suspended or withdrawn datasets with who, why and since, and catalog change proposals. Action forms (each with the
// session's anti-CSRF token) appear only where this license could act; the governance rules decide anyway.
import type { Principal } from '../../auth/principal.ts';
import { hasRole } from '../../auth/principal.ts';
import { RESPONSE_WORKING_DAYS, type ApplicationView } from '../../governance/applications.ts';
import { REVIEW_WORKING_DAYS, UPDATE_WORKING_DAYS, type CatalogChangeView } from '../../governance/catalog-changes.ts';
import type { ObjectionViewSchema, ResolutionAction } from '../../governance/objections.ts';
import type { Dictionary } from '../i18n/dictionary.ts';
import { CONSOLE_BASE } from '../console-env.ts';
import { UTC_TIME } from '../display-format.ts';
import { APPLICATION_STATES, OBJECTION_STATES, type QueueFilterForm } from '../queue-filter.ts';
import type { SuspensionNote } from '../suspension-register.ts';

export type ObjectionView = typeof ObjectionViewSchema.infer;

/** What the last action did: a redirect's `done`, or a refusal rendered in place with its code. */
export type QueueNotice =
  | { readonly kind: 'done'; readonly action: string }
  | { readonly kind: 'refused'; readonly code: string; readonly itemId?: string; readonly state?: string };

export interface QueuesPageProps {
  readonly t: Dictionary;
  readonly principal: Principal;
  readonly formToken: string;
  readonly form: QueueFilterForm;
  readonly invalidFilter: boolean;
  readonly datasets: readonly { id: string; title: string }[];
  readonly applications: readonly ApplicationView[];
  readonly objections: readonly ObjectionView[];
  readonly suspensions: readonly SuspensionNote[];
  readonly catalogChanges: readonly CatalogChangeView[];
  readonly resolutionActions: readonly ResolutionAction[];
  readonly notice?: QueueNotice;
}

type StateName = ApplicationView['state'] | ObjectionView['state'] | CatalogChangeView['state'] | SuspensionNote['status'] | 'active';
const stateLabel = (t: Dictionary, s: StateName): string => t[`state_${s}`];

function StateBadge(props: { t: Dictionary; state: StateName }) {
  return (
    <span class={`badge state-${props.state}`} data-state={props.state}>
      {stateLabel(props.t, props.state)}
    </span>
  );
}

function Notice(props: { t: Dictionary; notice: QueueNotice }) {
  const { t, notice: n } = props;
  if (n.kind === 'done') {
    return (
      <div class="notice done" data-notice="done" data-action={n.action}>
        {t.actionDone} <code>{n.action}</code>
      </div>
    );
  }
  const why =
    n.code === 'BAD_REQUEST'
      ? t.refusedReason
      : n.code === 'CONFLICT'
        ? t.refusedConflict(n.state && isStateName(n.state) ? stateLabel(t, n.state) : '—')
        : n.code === 'FORBIDDEN'
          ? t.refusedForbidden
          : n.code === 'NOT_FOUND'
            ? t.refusedNotFound
            : t.refusedOther;
  return (
    <div class="notice error" data-notice="refused" data-error-code={n.code} data-item-id={n.itemId} data-current-state={n.state}>
      {t.actionRefused} {why} <span class="code">{n.code}</span>
    </div>
  );
}

const STATE_NAMES = new Set<string>([...APPLICATION_STATES, ...OBJECTION_STATES, 'proposed', 'rejected', 'applied', 'active']);

/** One edit of a catalog change, as `op table.column`. */
const editSummary = (e: CatalogChangeView['edits'][number]): string => {
  const at = e as { readonly table?: string; readonly column?: string };
  return [e.op, [at.table, at.column].filter(Boolean).join('.')].filter(Boolean).join(' ');
};

function CatalogChangeActions(props: { t: Dictionary; principal: Principal; formToken: string; c: CatalogChangeView }) {
  const { t, c } = props;
  // Review is the data management department's; applying installs a catalog version and stays with the API.
  if (!(c.state === 'proposed' && hasRole(props.principal, 'admin'))) return <span class="muted small">{t.readOnly}</span>;
  return (
    <form method="post" action={`${CONSOLE_BASE}/queues/catalog-changes/${c.id}/review`} class="queue-action">
      <input type="hidden" name="formToken" value={props.formToken} />
      <ReasonField t={t} id={c.id} />
      <div class="actions">
        <button class="primary" type="submit" name="decision" value="approve">
          {t.approve}
        </button>
        <button class="danger" type="submit" name="decision" value="reject">
          {t.rejectAction}
        </button>
      </div>
    </form>
  );
}
const isStateName = (s: string): s is StateName => STATE_NAMES.has(s);

function ReasonField(props: { t: Dictionary; id: string }) {
  return (
    <label class="reason">
      <span class="small muted">{props.t.reasonLabel}</span>
      <textarea name="reason" rows={2} maxlength={1000} data-testid={`reason-${props.id}`}></textarea>
    </label>
  );
}

function ApplicationActions(props: { t: Dictionary; principal: Principal; formToken: string; a: ApplicationView }) {
  const { t, principal: p, a } = props;
  // Offered where this license could act; the book refuses anything else (FORBIDDEN, CONFLICT) all the same.
  if (a.state === 'pending' && hasRole(p, 'steward') && p.org === a.provider) {
    return (
      <form method="post" action={`${CONSOLE_BASE}/queues/applications/${a.id}/decision`} class="queue-action">
        <input type="hidden" name="formToken" value={props.formToken} />
        <ReasonField t={t} id={a.id} />
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="approve">
            {t.approve}
          </button>
          <button class="danger" type="submit" name="decision" value="deny">
            {t.denyAction}
          </button>
        </div>
      </form>
    );
  }
  if (a.state === 'coordination_requested' && hasRole(p, 'admin')) {
    return (
      <form method="post" action={`${CONSOLE_BASE}/queues/applications/${a.id}/coordination`} class="queue-action">
        <input type="hidden" name="formToken" value={props.formToken} />
        <ReasonField t={t} id={a.id} />
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="grant">
            {t.grant}
          </button>
          <button class="danger" type="submit" name="decision" value="uphold">
            {t.uphold}
          </button>
        </div>
      </form>
    );
  }
  return <span class="muted small">{t.readOnly}</span>;
}

function ObjectionActions(props: { t: Dictionary; principal: Principal; formToken: string; o: ObjectionView; actions: readonly ResolutionAction[] }) {
  const { t, principal: p, o } = props;
  if (!(hasRole(p, 'steward') && p.org === o.provider)) return <span class="muted small">{t.readOnly}</span>;
  // Every resolution is offered: which one is legal from this state is the book's rule (CONFLICT otherwise).
  return (
    <form method="post" action={`${CONSOLE_BASE}/queues/objections/${o.id}/resolution`} class="queue-action">
      <input type="hidden" name="formToken" value={props.formToken} />
      <ReasonField t={t} id={o.id} />
      <div class="actions wrap">
        {props.actions.map((action) => (
          <button type="submit" name="action" value={action} class={action === 'suspend' || action === 'withdraw' ? 'danger' : 'secondary'}>
            {t[`${action}Action`]}
          </button>
        ))}
      </div>
    </form>
  );
}

export function QueuesPage(props: QueuesPageProps) {
  const { t, form } = props;
  const option = (value: string, label: string, current: string) => (
    <option value={value} selected={value === current}>
      {label}
    </option>
  );
  const sourceLabel: Record<SuspensionNote['source'], string> = { objection: t.sourceObjection, incident: t.sourceIncident, catalog: t.sourceCatalog };
  return (
    <>
      <h1>{t.queuesTitle}</h1>
      <p class="intro">
        {t.queuesIntro} {t.timesInUtc}
      </p>
      {props.notice ? <Notice t={t} notice={props.notice} /> : null}
      {props.invalidFilter ? (
        <div class="notice error" data-notice="bad-filter">
          {t.badFilter}
        </div>
      ) : null}
      <div class="card">
        <form class="filters queue-filters" method="get" action={`${CONSOLE_BASE}/queues`} aria-label={t.filters}>
          <label>
            {t.applicationState}
            <select name="applicationState">
              {option('', t.any, form.applicationState)}
              {APPLICATION_STATES.map((s) => option(s, stateLabel(t, s), form.applicationState))}
            </select>
          </label>
          <label>
            {t.objectionState}
            <select name="objectionState">
              {option('', t.any, form.objectionState)}
              {OBJECTION_STATES.map((s) => option(s, stateLabel(t, s), form.objectionState))}
            </select>
          </label>
          <label>
            {t.dataset}
            <select name="dataset">
              {option('', t.any, form.dataset)}
              {props.datasets.map((d) => option(d.id, `${d.id} · ${d.title}`, form.dataset))}
            </select>
          </label>
          <label class="check">
            <span>
              <input type="checkbox" name="overdue" value="1" checked={form.overdue === '1'} /> {t.overdueOnly}
            </span>
          </label>
          <div class="actions">
            <button class="primary" type="submit">
              {t.applyFilters}
            </button>
            <a class="button secondary" href={`${CONSOLE_BASE}/queues`}>
              {t.clearFilters}
            </a>
          </div>
        </form>
      </div>

      <section class="card" data-testid="applications">
        <h2>{t.applicationsTitle}</h2>
        {props.applications.length === 0 ? (
          <p class="muted">{t.noApplications}</p>
        ) : (
          <table class="grid queue">
            <colgroup>
              <col class="time" />
              <col class="who" />
              <col />
              <col class="state" />
              <col class="deadline" />
              <col class="act" />
            </colgroup>
            <thead>
              <tr>
                <th>{t.colSubmitted}</th>
                <th>{t.colApplicant}</th>
                <th>{t.colScope}</th>
                <th>{t.colState}</th>
                <th>{t.deadlineWithin(RESPONSE_WORKING_DAYS)}</th>
                <th>{t.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {props.applications.map((a) => (
                <tr id={`item-${a.id}`} data-application-id={a.id} data-state={a.state} data-overdue={String(a.overdue)} class={a.overdue ? 'overdue' : undefined}>
                  <td>{UTC_TIME(a.submittedAt)}</td>
                  <td>
                    <strong>{a.applicant.org}</strong>
                    <br />
                    <span class="muted small">{a.applicant.sub}</span>
                  </td>
                  <td>
                    <span class="mono">{a.scope.datasets.join(', ')}</span>
                    <br />
                    <span class="small">{t.scopeSummary(a.scope.tables.length, a.scope.columns.length, a.method, a.period.from, a.period.to)}</span>
                    <br />
                    <span class="small muted">{a.purpose}</span>
                    {a.coordination ? (
                      <>
                        <br />
                        <span class="small">
                          {t.coordinationAsked} {a.coordination.reason}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <StateBadge t={t} state={a.state} />
                    {a.reason ? <div class="small muted">{a.reason}</div> : null}
                  </td>
                  <td data-testid="deadline">
                    {t.deadlineOn(a.deadline)}
                    {a.overdue ? (
                      <div>
                        <span class="badge overdue" data-testid="overdue">
                          {t.overdue}
                        </span>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    <ApplicationActions t={t} principal={props.principal} formToken={props.formToken} a={a} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="card" data-testid="objections">
        <h2>{t.objectionsTitle}</h2>
        {props.objections.length === 0 ? (
          <p class="muted">{t.noObjections}</p>
        ) : (
          <table class="grid queue">
            <colgroup>
              <col class="time" />
              <col class="who" />
              <col />
              <col class="state" />
              <col class="last" />
              <col class="act" />
            </colgroup>
            <thead>
              <tr>
                <th>{t.colFiled}</th>
                <th>{t.colObjector}</th>
                <th>{t.colDescription}</th>
                <th>{t.colState}</th>
                <th>{t.colLastAction}</th>
                <th>{t.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {props.objections.map((o) => {
                const last = o.history[o.history.length - 1];
                return (
                  <tr id={`item-${o.id}`} data-objection-id={o.id} data-state={o.state} data-dataset={o.dataset}>
                    <td>{UTC_TIME(o.filedAt)}</td>
                    <td>
                      <strong>{o.objector.org}</strong>
                      <br />
                      <span class="muted small">{o.objector.sub}</span>
                      {o.contact ? <div class="small">{o.contact}</div> : null}
                    </td>
                    <td>
                      <span class="mono">{o.dataset}</span> · <span class="badge kind">{o.ground}</span>
                      <div class="small">{o.description}</div>
                    </td>
                    <td>
                      <StateBadge t={t} state={o.state} />
                    </td>
                    <td class="small">
                      {last ? (
                        <>
                          {UTC_TIME(last.at)} · {last.by}
                          <br />
                          <span class="muted">{last.reason}</span>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <ObjectionActions t={t} principal={props.principal} formToken={props.formToken} o={o} actions={props.resolutionActions} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section class="card" data-testid="catalog-changes">
        <h2>{t.catalogChangesTitle}</h2>
        {props.catalogChanges.length === 0 ? (
          <p class="muted">{t.noCatalogChanges}</p>
        ) : (
          <table class="grid queue">
            <colgroup>
              <col class="time" />
              <col class="who" />
              <col />
              <col class="state" />
              <col class="deadline" />
              <col class="act" />
            </colgroup>
            <thead>
              <tr>
                <th>{t.colProposed}</th>
                <th>{t.colProposer}</th>
                <th>{t.colChange}</th>
                <th>{t.colState}</th>
                <th>{t.reviewAndUpdateWithin(REVIEW_WORKING_DAYS, UPDATE_WORKING_DAYS)}</th>
                <th>{t.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {props.catalogChanges.map((c) => {
                const deadline = c.state === 'proposed' ? c.reviewDeadline : c.state === 'approved' ? c.updateDeadline : null;
                return (
                  <tr id={`item-${c.id}`} data-catalog-change-id={c.id} data-state={c.state} data-overdue={String(c.overdue)} class={c.overdue ? 'overdue' : undefined}>
                    <td>{UTC_TIME(c.proposedAt)}</td>
                    <td>
                      <strong>{c.proposer.org}</strong>
                      <br />
                      <span class="muted small">{c.proposer.sub}</span>
                    </td>
                    <td>
                      <span class="mono">{c.dataset}</span> · <span class="small">{c.reason}</span>
                      <div class="small mono">{c.edits.map(editSummary).join('; ')}</div>
                    </td>
                    <td>
                      <StateBadge t={t} state={c.state} />
                      {c.review?.reason ? <div class="small muted">{c.review.reason}</div> : null}
                      {c.applied ? <div class="small muted mono">{c.applied.catalogVersion.slice(0, 20)}</div> : null}
                    </td>
                    <td>
                      {deadline ? t.deadlineOn(deadline) : '—'}
                      {c.overdue ? (
                        <div>
                          <span class="badge overdue">{t.overdue}</span>
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <CatalogChangeActions t={t} principal={props.principal} formToken={props.formToken} c={c} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section class="card" data-testid="suspensions">
        <h2>{t.suspensionsTitle}</h2>
        {props.suspensions.length === 0 ? (
          <p class="muted">{t.noSuspensions}</p>
        ) : (
          <table class="grid queue">
            <colgroup>
              <col class="who" />
              <col class="state" />
              <col class="time" />
              <col class="who" />
              <col />
              <col class="who" />
            </colgroup>
            <thead>
              <tr>
                <th>{t.dataset}</th>
                <th>{t.colState}</th>
                <th>{t.colSince}</th>
                <th>{t.colBy}</th>
                <th>{t.colWhy}</th>
                <th>{t.colSource}</th>
              </tr>
            </thead>
            <tbody>
              {props.suspensions.map((s) => (
                <tr data-suspended-dataset={s.dataset} data-state={s.status}>
                  <td class="mono">{s.dataset}</td>
                  <td>
                    <StateBadge t={t} state={s.status} />
                  </td>
                  <td>{s.since ? UTC_TIME(s.since) : t.unknownAttribution}</td>
                  <td>
                    {s.by ? (
                      <>
                        <strong data-testid="suspended-by">{s.by.sub}</strong>
                        <br />
                        <span class="muted small">{s.by.org}</span>
                      </>
                    ) : (
                      t.unknownAttribution
                    )}
                  </td>
                  <td class="wrap">{s.reason ?? t.unknownAttribution}</td>
                  <td>{sourceLabel[s.source]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
