// The frame of every console page: the bar with the navigation, who is signed in, the language switch and
// the sign-out form (with its anti-CSRF token), then the page's own content.
import type { Child } from 'hono/jsx';
import { html } from 'hono/html';
import type { Dictionary, Language } from '../i18n/dictionary.ts';
import { CONSOLE_BASE } from '../console-env.ts';
import type { ConsoleSession } from '../session-store.ts';
import { sectionsOf, type ConsoleSection } from '../console-roles.ts';

export type Section = ConsoleSection | 'none';

export interface LayoutProps {
  readonly t: Dictionary;
  readonly language: Language;
  readonly title: string;
  /** The switch links: this page's address in each language. */
  readonly languageLinks: Readonly<Record<Language, string>>;
  readonly session?: ConsoleSession;
  readonly section?: Section;
  readonly children?: Child;
}

export function Layout(props: LayoutProps) {
  const { t, session, section = 'none' } = props;
  // Only the sections this license may open are offered (the pages check again on every request).
  const labels: Record<ConsoleSection, string> = { lineage: t.navLineage, integrity: t.navIntegrity, budgets: t.navBudgets, queues: t.navQueues };
  const nav = (id: Section, href: string, label: string) => (
    <a href={href} class={section === id ? 'current' : undefined} aria-current={section === id ? 'page' : undefined}>
      {label}
    </a>
  );
  const page = (
    <html lang={t.htmlLang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${t.appName}`}</title>
        <link rel="stylesheet" href={`${CONSOLE_BASE}/assets/console.css`} />
      </head>
      <body>
        <header class="top">
          <a class="brand" href={`${CONSOLE_BASE}/`}>
            {t.appName}
          </a>
          <nav>
            {session ? sectionsOf(session.principal).map((s) => nav(s, `${CONSOLE_BASE}/${s}`, labels[s])) : null}
          </nav>
          <div class="who">
            <span class="lang" aria-label={t.language}>
              <a href={props.languageLinks.zh} class={props.language === 'zh' ? 'current' : undefined} lang="zh-CN">
                中文
              </a>
              <a href={props.languageLinks.en} class={props.language === 'en' ? 'current' : undefined} lang="en">
                English
              </a>
            </span>
            {session ? (
              <>
                <span>
                  {t.signedInAs} <strong data-testid="signed-in-subject">{session.principal.sub}</strong> ({session.principal.roles.join(', ')})
                </span>
                <form method="post" action={`${CONSOLE_BASE}/sign-out`}>
                  <input type="hidden" name="formToken" value={session.formToken} />
                  <button type="submit">{t.signOut}</button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
  return html`<!DOCTYPE html>${page}`;
}
