// Runs bench/load-client.ts in a child process against one URL and returns what it measured.
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface LoadOptions {
  readonly url: string;
  /** The request bodies (JSON), sent round-robin; one for a single query. */
  readonly bodies: readonly unknown[];
  readonly token?: string;
  readonly clients: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** Requests that started and ended inside the timed window. */
  readonly requests: number;
  /** Every request answered, the warm-up included. */
  readonly completed: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Responses counted in the window, by HTTP status (or `network_error`). */
  readonly statuses: Readonly<Record<string, number>>;
}

/** `onStart` receives the client's process id (the memory bench leaves it out of the server's figures). */
export function runLoad(o: LoadOptions, onStart?: (pid: number) => void): Promise<LoadResult> {
  const entry = path.join(import.meta.dirname, 'load-client.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, o.url, String(o.clients), String(o.warmupSeconds), String(o.seconds)], {
    env: { PATH: process.env.PATH ?? '', LOAD_BODIES: JSON.stringify(o.bodies), ...(o.token ? { LOAD_TOKEN: o.token } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.pid !== undefined) onStart?.(child.pid);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult);
    });
  });
}

/** The share of responses that were 200: anything else means the benchmark measured refusals, not answers. */
export const okShare = (r: LoadResult): number => (r.requests === 0 ? 0 : (r.statuses['200'] ?? 0) / r.requests);
