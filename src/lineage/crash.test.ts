// Crash safety: a process appending under concurrent load is killed with SIGKILL; on reopen the chain
// verifies and every append that had resolved (and was reported) is in the log.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLineageStore } from './embedded-store.ts';
import { generateTestKeys, silentLog } from './test-keys.ts';
import { verifyLineage } from './verify.ts';

const child = path.join(import.meta.dirname, 'crash-appender.fixture.ts');

/** Runs the appender until it has reported `atLeast` records, then kills it; returns the reported ids. */
function runAndKill(dir: string, keyFile: string, atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, keyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > atLeast) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited on its own: ${err.slice(0, 2000)}`));
      // Only whole lines were reported; a line cut by the kill is not a claim.
      else resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('when the appending process is killed with SIGKILL', () => {
  it('reopens with an intact chain holding every append that had resolved', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-lineage-crash-'));
    const keys = await generateTestKeys();
    const keyFile = path.join(dir, 'key.jwk.json');
    await fs.writeFile(keyFile, JSON.stringify(keys.privateJwk));
    const lineage = path.join(dir, 'lineage');

    let reported: string[] = [];
    for (const round of [400, 300]) {
      reported = reported.concat(await runAndKill(lineage, keyFile, round));
      const store = await openLineageStore({ dir: lineage, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
      expect(store.integrity().ok).toBe(true);
      const missing = [];
      for (const id of reported) if (!(await store.get(id))) missing.push(id);
      expect(missing).toEqual([]);
      expect(store.head().count).toBeGreaterThanOrEqual(reported.length);
      await store.close();
      const report = await verifyLineage({ dir: lineage, publicJwk: keys.publicJwk });
      expect(report).toMatchObject({ ok: true });
      expect(report.checkpoints.verified).toBeGreaterThan(0);
    }
  });
});
