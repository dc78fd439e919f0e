// The executor's spill directory: one subdirectory of $DSBX_HOME/tmp per executor process, so that the
// files a killed executor leaves behind (DuckDB cannot clean up after SIGKILL) are recognisable and removed
// by the next one instead of slowly filling the disk.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const PREFIX = 'duckdb-';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else, so it is not ours to clean up after.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Creates this process's spill directory under `tmpDir` and removes those of executors no longer running. */
export function prepareTempDirectory(tmpDir: string): string {
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(tmpDir)) {
    const pid = Number(entry.slice(PREFIX.length));
    if (entry.startsWith(PREFIX) && Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      rmSync(path.join(tmpDir, entry), { recursive: true, force: true });
    }
  }
  const own = path.join(tmpDir, `${PREFIX}${process.pid}`);
  mkdirSync(own, { recursive: true, mode: 0o700 });
  return own;
}

export function removeTempDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
