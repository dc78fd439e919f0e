// The pages for a refusal, a missing page or record, and any other error: a title, a sentence, the code.
import type { Dictionary } from '../i18n/dictionary.ts';
import { CONSOLE_BASE } from '../console-env.ts';

export function RefusalPage(props: { t: Dictionary; title: string; body: string; code: string; signedIn: boolean }) {
  const { t } = props;
  return (
    <div class="card refusal" data-error-code={props.code}>
      <h1>{props.title}</h1>
      <p>{props.body}</p>
      <p class="muted">
        {t.errorCode}: <code>{props.code}</code>
      </p>
      <p>{props.signedIn ? <a href={`${CONSOLE_BASE}/`}>{t.backToConsole}</a> : <a href={`${CONSOLE_BASE}/sign-in`}>{t.backToSignIn}</a>}</p>
    </div>
  );
}
