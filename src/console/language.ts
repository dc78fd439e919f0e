// Chooses the console's language: an explicit ?lang= switch (remembered in a cookie), else the remembered
// choice, else the browser's Accept-Language, else Chinese (the city's language).
import { LANGUAGES, type Language } from './i18n/dictionary.ts';

export const LANGUAGE_COOKIE = 'dsbx_lang';

const isLanguage = (v: string | undefined): v is Language => v !== undefined && (LANGUAGES as readonly string[]).includes(v);

export interface LanguageChoice {
  readonly language: Language;
  /** True when the request asked to switch: the choice should be remembered. */
  readonly remember: boolean;
}

export function chooseLanguage(query: string | undefined, cookie: string | undefined, acceptLanguage: string | undefined): LanguageChoice {
  if (isLanguage(query)) return { language: query, remember: true };
  if (isLanguage(cookie)) return { language: cookie, remember: false };
  // The first listed language the console has wins; weights are rarely out of order in practice.
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().split('-')[0];
    if (isLanguage(tag)) return { language: tag, remember: false };
  }
  return { language: 'zh', remember: false };
}

/** The current page's address with `lang` set, for the switch links (same path, same filters). */
export function withLanguage(pathAndQuery: URL, language: Language): string {
  const url = new URL(pathAndQuery.href);
  url.searchParams.set('lang', language);
  // Pagination cursors stay valid across languages; nothing else in the query changes.
  return `${url.pathname}${url.search}`;
}
