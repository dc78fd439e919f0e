// Builds a DsbxClient from DSBX_URL and DSBX_TOKEN, the way the CLI and scripts connect.
import { DsbxClient } from './dsbx-client.ts';

/** Where `dsbx serve` listens by default (DESIGN.md, running contract). */
export const DEFAULT_URL = 'http://127.0.0.1:8787';

export class MissingTokenError extends Error {
  constructor() {
    super('DSBX_TOKEN is not set: export a license token, e.g. DSBX_TOKEN=$(dsbx token issue --sub me --role developer --datasets all)');
    this.name = 'MissingTokenError';
  }
}

/** Throws MissingTokenError without DSBX_TOKEN, and TypeError for a malformed URL or token. */
export function clientFromEnvironment(env: NodeJS.ProcessEnv = process.env): DsbxClient {
  const token = env.DSBX_TOKEN?.trim();
  if (!token) throw new MissingTokenError();
  return new DsbxClient({ url: env.DSBX_URL?.trim() || DEFAULT_URL, token });
}
