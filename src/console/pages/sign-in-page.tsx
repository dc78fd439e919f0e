// The sign-in page: one field for the license token, posted with a pre-session anti-CSRF token.
import type { Dictionary } from '../i18n/dictionary.ts';
import { CONSOLE_BASE } from '../console-env.ts';

export type SignInNotice = 'failed' | 'ended' | 'signedOut' | 'formExpired';

export function SignInPage(props: { t: Dictionary; formToken: string; notice?: SignInNotice }) {
  const { t, notice } = props;
  const text: Record<SignInNotice, string> = { failed: t.signInFailed, ended: t.sessionEnded, signedOut: t.signedOut, formExpired: t.formExpired };
  return (
    <div class="signin">
      <div class="card">
        <h1>{t.signInTitle}</h1>
        <p class="intro">{t.signInIntro}</p>
        {notice ? (
          <div class={notice === 'signedOut' ? 'notice' : 'notice error'} role="alert" data-notice={notice}>
            {text[notice]}
          </div>
        ) : null}
        <form method="post" action={`${CONSOLE_BASE}/sign-in`}>
          <input type="hidden" name="formToken" value={props.formToken} />
          <label for="token">{t.tokenLabel}</label>
          <textarea id="token" name="token" required autocomplete="off" spellcheck={false} autocapitalize="off" maxlength={4096}></textarea>
          <div class="actions">
            <button class="primary" type="submit">
              {t.signInButton}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
