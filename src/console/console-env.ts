// What the console's middleware puts on the Hono context, on top of the API's variables.
import type { AppEnv } from '../api/env.ts';
import type { Dictionary, Language } from './i18n/dictionary.ts';
import type { ConsoleSession } from './session-store.ts';

export interface ConsoleEnv {
  Variables: AppEnv['Variables'] & {
    language: Language;
    t: Dictionary;
    /** Set by requireConsoleSession on the pages that need one. */
    session: ConsoleSession;
  };
}

/** Where the console is mounted; the API's own security headers stay off these paths (see api/app.ts). */
export const CONSOLE_BASE = '/console';
export const isConsolePath = (path: string): boolean => path === CONSOLE_BASE || path.startsWith(`${CONSOLE_BASE}/`);
