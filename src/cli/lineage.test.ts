// `dsbx lineage verify|export` as a reviewer runs it: the real CLI in a child process against a lineage
// folder and a public key file laid out as the server lays them out under $DSBX_HOME.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { homePaths } from '../config.ts';
import { openLineageStore } from '../lineage/embedded-store.ts';
import type { LineageRecord } from '../lineage/record.ts';
import { sampleEntry } from '../lineage/sample-entries.ts';
import { segmentFileName } from '../lineage/segment-files.ts';
import { generateTestKeys, silentLog } from '../lineage/test-keys.ts';

const main = path.resolve(import.meta.dirname, 'main.ts');
let home: string;
let records: LineageRecord[];

/** Runs `dsbx ...` with DSBX_HOME set, as a reviewer would. */
const dsbx = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, DSBX_HOME: home }, encoding: 'utf8', timeout: 60_000 });

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-cli-lineage-'));
  const paths = homePaths(home);
  const keys = await generateTestKeys();
  await fs.mkdir(paths.keys, { recursive: true });
  await fs.writeFile(paths.publicKey, JSON.stringify(keys.publicJwk));
  const store = await openLineageStore({ dir: paths.lineage, signer: keys.signer, publicJwk: keys.publicJwk, checkpointEvery: 5, log: silentLog });
  records = [];
  for (let i = 0; i < 12; i++) records.push(await store.append(sampleEntry(i)));
  await store.close();
});

describe('dsbx lineage verify', () => {
  it('exits 0 on an intact log, using $DSBX_HOME/lineage and the server public key by default', () => {
    const result = dsbx('lineage', 'verify', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, count: 12, checkpoints: { verified: 3 } });
  });

  it('verifies a copied folder offline with a JWKS file', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-cli-lineage-copy-'));
    await fs.cp(homePaths(home).lineage, copy, { recursive: true });
    const jwks = path.join(copy, '..', `${path.basename(copy)}.jwks.json`);
    await fs.writeFile(jwks, JSON.stringify({ keys: [JSON.parse(await fs.readFile(homePaths(home).publicKey, 'utf8'))] }));
    expect(dsbx('lineage', 'verify', '--dir', copy, '--jwks', jwks).status).toBe(0);
  });

  it('exits 1 naming the first bad record when a record was edited', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'dsbx-cli-lineage-bad-'));
    await fs.cp(homePaths(home).lineage, copy, { recursive: true });
    const segment = path.join(copy, segmentFileName(1));
    const lines = (await fs.readFile(segment, 'utf8')).split('\n');
    lines[8] = lines[8]!.replace('"dev-', '"DEV-');
    await fs.writeFile(segment, lines.join('\n'));
    const result = dsbx('lineage', 'verify', '--dir', copy);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('seq 9');
    expect(result.stderr).toContain(records[8]!.id);
  });

  it('exits 2 when the public key is not an Ed25519 key', async () => {
    const bogus = path.join(home, 'bogus.json');
    await fs.writeFile(bogus, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' }));
    expect(dsbx('lineage', 'verify', '--jwks', bogus).status).toBe(2);
  });

  it('exits 1 when the log was checkpointed with a different key', async () => {
    const other = await generateTestKeys();
    const file = path.join(home, 'other.jwk.json');
    await fs.writeFile(file, JSON.stringify(other.publicJwk));
    expect(dsbx('lineage', 'verify', '--jwks', file).status).toBe(1);
  });
});

describe('dsbx lineage export', () => {
  it('writes one OpenLineage RunEvent per record as NDJSON', async () => {
    const out = path.join(home, 'export.ndjson');
    const result = dsbx('lineage', 'export', '--format', 'openlineage', '--out', out);
    expect(result.status).toBe(0);
    const events = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { run: { runId: string } });
    expect(events.map((e) => e.run.runId)).toEqual(records.map((r) => r.id));
  });

  it('refuses an unknown format', () => {
    expect(dsbx('lineage', 'export', '--format', 'csv').status).toBe(2);
  });
});
