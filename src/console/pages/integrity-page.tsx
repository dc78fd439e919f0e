// The integrity page: the status found when the log was opened, the chain's size and head, the last signed
// checkpoint, the last full re-verification, and a form (with its anti-CSRF token) to run one now.
import type { Dictionary } from '../i18n/dictionary.ts';
import type { Checkpoint } from '../../lineage/checkpoint.ts';
import type { IntegrityStatus, VerifyReport } from '../../lineage/store.ts';
import { CONSOLE_BASE } from '../console-env.ts';
import { UTC_TIME } from '../display-format.ts';

export interface Verification {
  readonly report: VerifyReport;
  readonly at: string;
  readonly by: string;
  readonly ms: number;
}

export interface IntegrityProps {
  readonly t: Dictionary;
  readonly status: IntegrityStatus;
  readonly head: { readonly count: number; readonly hash: string };
  readonly lastCheckpoint: Checkpoint | undefined;
  readonly verification: Verification | undefined;
  readonly formToken: string;
}

function Verdict(props: { t: Dictionary; ok: boolean }) {
  return props.ok ? <span class="ok" data-verdict="intact">✔ {props.t.intact}</span> : <span class="bad" data-verdict="broken">✖ {props.t.notIntact}</span>;
}

export function IntegrityPage(props: IntegrityProps) {
  const { t, status, verification: v } = props;
  return (
    <>
      <h1>{t.integrityTitle}</h1>
      <p class="intro">
        {t.integrityIntro} {t.timesInUtc}
      </p>
      <div class="cols">
        <section class="card" data-testid="last-verification">
          <h2>{t.lastVerification}</h2>
          {v ? (
            <dl class="facts">
              <dt>{t.status}</dt>
              <dd class="status-big">
                <Verdict t={t} ok={v.report.ok} />
              </dd>
              <dt>{t.checkedAt}</dt>
              <dd>
                {UTC_TIME(v.at)} ({v.ms} ms)
              </dd>
              <dt>{t.verifiedBy}</dt>
              <dd>{v.by}</dd>
              <dt>{t.records}</dt>
              <dd data-testid="verified-count">{v.report.count}</dd>
              <dt>{t.headHash}</dt>
              <dd>
                <code>{v.report.head}</code>
              </dd>
              <dt>{t.signedCheckpoints}</dt>
              <dd>{t.checkpointsVerified(v.report.checkpoints.verified, v.report.checkpoints.count)}</dd>
              {v.report.firstBad ? (
                <>
                  <dt>{t.firstBad}</dt>
                  <dd class="bad">
                    {v.report.firstBad.seq} · {v.report.firstBad.reason}
                  </dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p class="muted">{t.neverVerified}</p>
          )}
          <form method="post" action={`${CONSOLE_BASE}/integrity/verify`} class="actions spaced">
            <input type="hidden" name="formToken" value={props.formToken} />
            <button class="primary" type="submit">
              {t.verifyButton}
            </button>
          </form>
        </section>
        <section class="card">
          <h2>{t.statusAtOpen}</h2>
          <dl class="facts">
            <dt>{t.status}</dt>
            <dd class="status-big">
              <Verdict t={t} ok={status.ok} />
            </dd>
            <dt>{t.checkedAt}</dt>
            <dd>{UTC_TIME(status.checkedAt)}</dd>
            {status.firstBad ? (
              <>
                <dt>{t.firstBad}</dt>
                <dd class="bad">
                  {status.firstBad.seq} · {status.firstBad.reason}
                </dd>
              </>
            ) : null}
            <dt>{t.quarantined}</dt>
            <dd>{status.quarantined.length === 0 ? '—' : status.quarantined.join(', ')}</dd>
            <dt>{t.records}</dt>
            <dd data-testid="record-count">{props.head.count}</dd>
            <dt>{t.headHash}</dt>
            <dd>
              <code>{props.head.hash}</code>
            </dd>
            <dt>{t.lastCheckpoint}</dt>
            <dd data-testid="last-checkpoint">
              {props.lastCheckpoint ? (
                <>
                  {t.checkpointAt(props.lastCheckpoint.count, UTC_TIME(props.lastCheckpoint.time))}
                  <br />
                  <code>{props.lastCheckpoint.head}</code>
                </>
              ) : (
                <span class="muted">{t.noCheckpoint}</span>
              )}
            </dd>
          </dl>
        </section>
      </div>
    </>
  );
}
