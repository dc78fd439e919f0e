// One lineage record in depth: who, why, the SQL as sent and as executed, the decision and its reasons, the
// column-lineage graph, the protections, what left (a count and a hash, never rows), and its place in the
// hash chain with the signed checkpoint that covers it.
import type { Child } from 'hono/jsx';
import type { Dictionary } from '../i18n/dictionary.ts';
import type { LineageRecord } from '../../lineage/record.ts';
import type { CheckpointsAround } from '../../lineage/nearest-checkpoint.ts';
import { UTC_TIME, epsilon, orDash } from '../display-format.ts';
import { layoutLineageGraph } from '../lineage-graph.ts';
import { LineageGraphSvg } from '../lineage-graph-svg.tsx';
import { DecisionBadge } from './lineage-list-page.tsx';

function Facts(props: { rows: readonly (readonly [string, Child])[] }) {
  return (
    <dl class="facts">
      {props.rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

export function RecordPage(props: { t: Dictionary; record: LineageRecord; checkpoints: CheckpointsAround }) {
  const { t, record: r } = props;
  const p = r.protections;
  const graph = layoutLineageGraph(r);
  const cp = (c: CheckpointsAround['covering']) =>
    c ? (
      <span>
        {t.checkpointAt(c.count, UTC_TIME(c.time))}
        <br />
        <code>{c.head}</code>
      </span>
    ) : null;
  return (
    <>
      <h1>
        {t.recordTitle} <DecisionBadge t={t} effect={r.decision.effect} code={r.decision.code} />
      </h1>
      <p class="intro mono">{r.id}</p>
      <div class="cols">
        <section class="card">
          <h2>{t.overview}</h2>
          <Facts
            rows={[
              [t.time, `${UTC_TIME(r.time)} UTC`],
              [t.kind, r.kind],
              [t.subject, r.subject],
              [t.org, r.org],
              [t.roles, r.roles.join(', ')],
              [t.licenseId, orDash(r.licenseId)],
              [t.purpose, orDash(r.purpose)],
              [t.application, orDash(r.application)],
              [t.mode, orDash(r.request.mode)],
              [t.seq, String(r.seq)],
            ]}
          />
        </section>
        <section class="card" data-testid="decision">
          <h2>{t.decisionTitle}</h2>
          {r.decision.reasons.length === 0 ? (
            <p class="muted">{t.noReasons}</p>
          ) : (
            <table class="grid reasons">
              <thead>
                <tr>
                  <th>{t.rule}</th>
                  <th>{t.column}</th>
                  <th>{t.message}</th>
                </tr>
              </thead>
              <tbody>
                {r.decision.reasons.map((reason) => (
                  <tr>
                    <td class="mono" title={reason.rule}>
                      {reason.rule}
                    </td>
                    <td class="mono" title={reason.column ?? reason.function ?? ''}>
                      {orDash(reason.column ?? reason.function)}
                    </td>
                    <td title={reason.message}>{reason.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section class="card">
        <h2>{t.sqlSent}</h2>
        <pre class="sql" data-testid="sql-sent">
          {r.request.sql}
        </pre>
        <h2 class="spaced">{r.request.executedSql && r.kind === 'query' ? t.sqlNormalized : t.sqlNormalizedNotRun}</h2>
        {r.request.normalizedSql ? (
          <pre class="sql" data-testid="sql-normalized">
            {r.request.normalizedSql}
          </pre>
        ) : (
          <p class="muted">{t.notCompiled}</p>
        )}
        {r.request.executedSql ? (
          <>
            <h2 class="spaced">{t.sqlExecuted}</h2>
            <pre class="sql" data-testid="sql-executed">
              {r.request.executedSql}
            </pre>
          </>
        ) : null}
      </section>
      <section class="card">
        <h2>{t.graphTitle}</h2>
        {graph.sources.length === 0 && graph.outputs.length === 0 ? (
          <p class="muted">{t.graphNoColumns}</p>
        ) : (
          <LineageGraphSvg graph={graph} t={t} titleId="lineage-graph-title" />
        )}
        {graph.outputs.length === 0 ? <p class="muted">{t.graphNothingReleased}</p> : null}
        <p class="muted small">{t.graphLegend}</p>
      </section>
      <div class="cols">
        <section class="card">
          <h2>{t.protectionsTitle}</h2>
          {p ? (
            <Facts
              rows={[
                [t.profile, p.profile],
                [t.threshold, orDash(p.threshold)],
                [t.rounding, orDash(p.rounding)],
                [t.suppressedGroups, orDash(p.suppressedGroups)],
                [t.suppressedRows, orDash(p.suppressedRows)],
                [t.kAnonymity, orDash(p.kAnonymity)],
                [t.noise, p.noise ? `${p.noise.mechanism}, scale ${p.noise.scale}, ε ${epsilon(p.noise.epsilon)}` : '—'],
                [t.epsilonCharged, epsilon(p.epsilonCharged)],
                [
                  t.budgetAfter,
                  r.budgetAfter
                    ? Object.entries(r.budgetAfter)
                        .map(([d, e]) => `${d}: ${epsilon(e)}`)
                        .join(', ')
                    : '—',
                ],
              ]}
            />
          ) : (
            <p class="muted">{t.noProtections}</p>
          )}
        </section>
        <section class="card" data-testid="result">
          <h2>{t.resultTitle}</h2>
          {r.result ? (
            <Facts
              rows={[
                [t.rowCount, String(r.result.rowCount)],
                [t.resultHash, <code>{r.result.sha256}</code>],
              ]}
            />
          ) : (
            <p class="muted">{t.noResult}</p>
          )}
          <p class="muted small">{t.noRowsNote}</p>
        </section>
      </div>
      <div class="cols">
        <section class="card" data-testid="chain">
          <h2>{t.chainTitle}</h2>
          <Facts
            rows={[
              [t.hash, <code>{r.hash}</code>],
              [t.prev, <code>{r.prev}</code>],
              [t.coveringCheckpoint, cp(props.checkpoints.covering) ?? <span class="muted">{t.notYetCheckpointed}</span>],
              [t.checkpointBefore, cp(props.checkpoints.before) ?? '—'],
            ]}
          />
        </section>
        <section class="card">
          <h2>{t.timingsTitle}</h2>
          <Facts
            rows={[
              [
                t.timings,
                Object.entries(r.timings)
                  .map(([k, v]) => `${k.replace(/Ms$/, '')} ${Number(v.toFixed(1))}`)
                  .join(' · '),
              ],
              [t.engine, `DuckDB ${r.engine.duckdb} · dsbx ${r.engine.dsbx}`],
              [t.dataVersion, <code>{r.dataVersion}</code>],
              [t.catalogVersion, <code>{r.catalogVersion}</code>],
            ]}
          />
        </section>
      </div>
    </>
  );
}
