// The executor process on its own, spoken to over raw IPC the way an intruder on the channel would:
// anything but the protocol's messages is dropped and logged without its contents, free SQL is never run,
// and the process keeps answering well-formed requests.
import type { ChildProcess } from 'node:child_process';
import { type } from 'arktype';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatePlan, countOf, residentsPerDistrict } from '../fixtures/compiled-plans.ts';
import { buildTinyDomain, type TinyDomain } from '../fixtures/tiny-domain.ts';
import { FromExecutor, type FromExecutorMessage } from '../protocol.ts';
import { forkExecutor } from './fork.ts';

let domain: TinyDomain;
let child: ChildProcess;
let stderr = '';
const messages: FromExecutorMessage[] = [];

const next = (pred: (m: FromExecutorMessage) => boolean, timeoutMs = 30_000): Promise<FromExecutorMessage> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such message')), timeoutMs);
    const check = (): void => {
      const found = messages.find(pred);
      if (found !== undefined) {
        clearTimeout(timer);
        child.off('message', check);
        resolve(found);
      }
    };
    child.on('message', check);
    check();
  });

const SECRET_HEX = '11'.repeat(32);

beforeAll(async () => {
  domain = await buildTinyDomain();
  child = forkExecutor({ concurrency: 1, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  child.on('message', (data: unknown) => {
    const m = FromExecutor(data);
    if (!(m instanceof type.errors)) messages.push(m);
  });
  await next((m) => m.type === 'started');
});
afterAll(() => {
  child?.kill('SIGKILL');
});

describe('the executor process', () => {
  it('drops malformed messages and logs them without their contents', async () => {
    child.send('SELECT id_card FROM population.residents');
    child.send({ type: 'sql', sql: 'SELECT name FROM population.residents' });
    child.send({ type: 'execute', id: 1, sql: 'SELECT phone FROM population.residents', ctx: { subject: 's', queryId: 'q' } });
    child.send({ type: 'init', domainFile: domain.domainFile, tmpDir: domain.tmpDir, pseudonymSecretHex: 'not hex', threads: 1, memoryLimit: '1GB', tempDirectorySize: '1GB' });
    await new Promise((r) => setTimeout(r, 500));
    const dropped = stderr.split('\n').filter((l) => l.includes('"ipc_message_dropped"'));
    expect(dropped.length).toBe(4);
    expect(stderr).not.toMatch(/SELECT|id_card|population|not hex/);
  });

  it('answers a well-formed request only after a valid init, and then runs compiled queries', async () => {
    child.send({ type: 'init', domainFile: domain.domainFile, tmpDir: domain.tmpDir, pseudonymSecretHex: SECRET_HEX, threads: 1, memoryLimit: '256MB', tempDirectorySize: '256MB' });
    await next((m) => m.type === 'ready');
    child.send({ type: 'execute', id: 7, compiled: residentsPerDistrict(), ctx: { subject: 's', queryId: 'q' } });
    const reply = await next((m) => 'id' in m && m.id === 7);
    expect(reply.type).toBe('result');
  });

  it('refuses a request whose payload is free SQL instead of a compiled query', async () => {
    child.send({ type: 'execute', id: 8, compiled: { sql: 'SELECT id_card FROM population.residents' }, ctx: { subject: 's', queryId: 'q' } });
    expect(await next((m) => 'id' in m && m.id === 8)).toEqual({ type: 'failure', id: 8, cause: 'plan_invalid' });
  });

  it('ignores a second init', async () => {
    const before = stderr.split('\n').filter((l) => l.includes('already_initialized')).length;
    child.send({ type: 'init', domainFile: '/nonexistent', tmpDir: domain.tmpDir, pseudonymSecretHex: SECRET_HEX, threads: 1, memoryLimit: '1GB', tempDirectorySize: '1GB' });
    child.send({ type: 'execute', id: 9, compiled: residentsPerDistrict(), ctx: { subject: 's', queryId: 'q' } });
    expect((await next((m) => 'id' in m && m.id === 9)).type).toBe('result');
    expect(stderr.split('\n').filter((l) => l.includes('already_initialized')).length).toBe(before + 1);
  });
});

describe('an executor whose service is gone', () => {
  it('exits at once even while a query that would never finish is running', async () => {
    const orphan = forkExecutor({ concurrency: 2, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const ready = new Promise<void>((resolve) =>
      orphan.on('message', (data: unknown) => {
        const m = FromExecutor(data);
        if (m instanceof type.errors) return;
        if (m.type === 'started') orphan.send({ type: 'init', domainFile: domain.domainFile, tmpDir: domain.tmpDir, pseudonymSecretHex: SECRET_HEX, threads: 1, memoryLimit: '256MB', tempDirectorySize: '256MB' });
        if (m.type === 'ready') resolve();
      }),
    );
    try {
      await ready;
      // Billions of rows: it runs until interrupted.
      const heavy = `SELECT count(*) AS n, count(DISTINCT a.id_card) AS __dsbx_units FROM population.residents a, population.residents b, population.residents c WHERE a.name || b.name < c.name`;
      orphan.send({ type: 'execute', id: 1, compiled: aggregatePlan(heavy, [countOf('n')]), ctx: { subject: 's', queryId: 'q' } });
      await new Promise((r) => setTimeout(r, 500));
      const started = performance.now();
      orphan.disconnect();
      // It ends itself with SIGKILL (process.exit() may wait on DuckDB's threads); the kill below comes later.
      expect(await exited).toBe('SIGKILL');
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      orphan.kill('SIGKILL');
    }
  }, 30_000);
});
