// Renders a page inside the layout with the request's language, session and switch links, and a status.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConsoleEnv } from '../console-env.ts';
import { withLanguage } from '../language.ts';
import { Layout, type Section } from './layout.tsx';

export interface PageOptions {
  readonly title: string;
  readonly section?: Section;
  readonly status?: ContentfulStatusCode;
}

export function renderPage(c: Context<ConsoleEnv>, options: PageOptions, body: Child): Response | Promise<Response> {
  const url = new URL(c.req.url);
  const session = c.get('session') as ConsoleEnv['Variables']['session'] | undefined;
  return c.html(
    <Layout
      t={c.var.t}
      language={c.var.language}
      title={options.title}
      languageLinks={{ zh: withLanguage(url, 'zh'), en: withLanguage(url, 'en') }}
      {...(session ? { session } : {})}
      {...(options.section ? { section: options.section } : {})}
    >
      {body}
    </Layout>,
    options.status ?? 200,
  );
}
