// Spill directories: each executor has its own, and the next executor removes those of dead ones.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareTempDirectory, removeTempDirectory } from './temp-directory.ts';

describe('the executor spill directory', () => {
  it('is created per process and removes the directories of executors that are gone', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'dsbx-spill-'));
    const dead = path.join(tmp, 'duckdb-99999999'); // beyond any pid_max: no such process
    const living = path.join(tmp, `duckdb-${process.ppid}`);
    const unrelated = path.join(tmp, 'lineage-staging');
    for (const d of [dead, living, unrelated]) mkdirSync(d);

    const own = prepareTempDirectory(tmp);
    expect(own).toBe(path.join(tmp, `duckdb-${process.pid}`));
    expect(existsSync(own)).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(living)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);

    removeTempDirectory(own);
    expect(existsSync(own)).toBe(false);
  });
});
