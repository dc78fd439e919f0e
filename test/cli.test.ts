// The dsbx command as a user runs it (node bin/dsbx.js, child processes): token issue prints a token that
// verifies; serve and start answer HTTP and exit 0 on SIGTERM; start seeds a missing domain and writes
// one demo token per role outside production only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { homePaths, loadConfig } from '../src/config.ts';
import { loadOrCreateSigningKeys } from '../src/auth/keys.ts';
import { createRevocationList } from '../src/auth/revocation.ts';
import { createTokenVerifier } from '../src/auth/verify.ts';
import { ROLES } from '../src/auth/principal.ts';

import { cachedDomainFile } from './support/domain.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'dsbx.js');
const homes: string[] = [];
const freshHome = () => {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-cli-'));
  homes.push(h);
  return h;
};
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  // A test that fails before its own SIGTERM must not leave a server running.
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

const envFor = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const { NODE_ENV: _n, PORT: _p, HOST: _h, ...rest } = process.env;
  return { ...rest, DSBX_HOME: home, ...extra };
};

const dsbx = (home: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: envFor(home, extra), encoding: 'utf8', timeout: 60_000 });

/** Starts a long-running command and resolves with its URL once it prints "listening on". */
function startServer(home: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: envFor(home, { PORT: '0', ...extra }), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /dsbx listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
  });
  return { child, url, exited, output: () => out };
}

describe('dsbx token issue', () => {
  const home = freshHome();

  it('prints on stdout only a token that verifies with the server key and carries the requested license', async () => {
    const r = dsbx(home, ['token', 'issue', '--sub', 'alice', '--role', 'researcher', '--org', 'Qiqihar University', '--datasets', 'health,population', '--ttl', '2h']);
    expect(r.status).toBe(0);
    const token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const keys = await loadOrCreateSigningKeys(home);
    const config = loadConfig({ DSBX_HOME: home });
    const verifier = createTokenVerifier({ jwks: keys.jwks, config, revocation: createRevocationList(homePaths(home).revoked) });
    const p = await verifier.verify(token);
    expect(p).toMatchObject({ sub: 'alice', org: 'Qiqihar University', roles: ['researcher'], datasets: ['health', 'population'] });
    expect(p.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(7000);
    expect(r.stderr).toContain(`jti=${p.jti}`);
  });

  it('answers --help with a usage text', () => {
    const r = dsbx(home, ['token', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: dsbx token issue/);
  });
});

describe('dsbx serve', () => {
  it('answers /healthz and exits 0 on SIGTERM', async () => {
    const home = freshHome();
    fs.symlinkSync(await cachedDomainFile(2000), path.join(home, 'domain.duckdb'));
    const s = startServer(home, ['serve']);
    const url = await s.url;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { checks: Record<string, string> }).checks).toMatchObject({ domain: 'ok', lineage: 'ok' });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('reports itself degraded while the data domain is missing', async () => {
    const s = startServer(freshHome(), ['serve']);
    const url = await s.url;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect((await health.json()) as object).toMatchObject({ error: { code: 'UNAVAILABLE', details: { failing: ['domain'] } } });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});

describe('dsbx start', () => {
  const home = freshHome();

  it('seeds the missing domain, writes one demo token per role, serves the catalog, and exits 0 on SIGINT', async () => {
    const s = startServer(home, ['start'], { DSBX_SCALE: '500' });
    const url = await s.url;
    expect(fs.existsSync(homePaths(home).domain)).toBe(true);
    const file = homePaths(home).devTokens;
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const tokens = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(tokens).sort()).toEqual([...ROLES].sort());
    expect(s.output()).toContain(file);
    const res = await fetch(`${url}/v1/catalog`, { headers: { authorization: `Bearer ${tokens.developer}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { datasets: { tables: unknown[] }[] }).datasets.flatMap((d) => d.tables)).toHaveLength(7);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it('in production, reuses the domain and writes no demo tokens', async () => {
    expect(fs.existsSync(homePaths(home).domain)).toBe(true);
    fs.rmSync(homePaths(home).devTokens, { force: true });
    const before = fs.statSync(homePaths(home).domain).mtimeMs;
    const s = startServer(home, ['start'], { NODE_ENV: 'production' });
    await s.url;
    expect(fs.existsSync(homePaths(home).devTokens)).toBe(false);
    expect(fs.statSync(homePaths(home).domain).mtimeMs).toBe(before);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
