// What the reliability tests check on the lineage log once a run is over: `dsbx lineage verify` run as the
// operator runs it (a child process, exit code 0 when intact), and the records on disk read back by id.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readLineageRecords } from '../../src/lineage/record-reader.ts';
import type { LineageRecord } from '../../src/lineage/record.ts';
import { DSBX_BIN, PROJECT_ROOT } from './server-process.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
}

/** `dsbx lineage verify` on the home of `env`; code is its exit code. */
export function runLineageVerify(env: NodeJS.ProcessEnv): Promise<CliRun> {
  return promisify(execFile)(process.execPath, [DSBX_BIN, 'lineage', 'verify'], { cwd: PROJECT_ROOT, env, timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
}

/** Every whole record in the folder, by id. */
export async function recordsById(lineageDir: string): Promise<Map<string, LineageRecord>> {
  const byId = new Map<string, LineageRecord>();
  for await (const record of readLineageRecords(lineageDir)) byId.set(record.id, record);
  return byId;
}
