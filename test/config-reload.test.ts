// Reloading the catalog and policy files (POST /v1/admin/reload and SIGHUP) through the real service, over
// copies of datasets/ and policies/ in a temporary directory: a file that fails validation keeps the last
// good version and is reported by file and field (never an absolute path), counted and logged, with
// /healthz still up; a valid change becomes the next version, which later queries are decided under.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUntilSignal } from '../src/cli/serve.ts';
import { cachedDomainFile } from './support/domain.ts';
import { json, testService, type TestService } from './support/service.ts';

const projectRoot = path.resolve(import.meta.dirname, '..');
let t: TestService;
let admin: string;
let developer: string;
let reviewer: string;
let configRoot: string;
let grading: string;
let goodGrading: string;
let profiles: string;
let goodProfiles: string;

const GENDER_SQL = 'SELECT gender, count(*) AS n FROM population.residents GROUP BY gender';
const reload = (token = admin) => t.request('/v1/admin/reload', { method: 'POST', token });
const version = async () => (await json(await t.request('/v1/catalog', { token: developer }))).catalogVersion as string;
const query = () => t.post('/v1/query', { sql: GENDER_SQL, purpose: 'reload test' }, developer);
const failures = async () => {
  const text = await (await t.request('/metrics', { token: admin })).text();
  return Number(/^dsbx_config_reload_failures_total (\d+)/m.exec(text)?.[1]);
};

beforeAll(async () => {
  configRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-reload-'));
  fs.cpSync(path.join(projectRoot, 'policies'), path.join(configRoot, 'policies'), { recursive: true });
  for (const id of fs.readdirSync(path.join(projectRoot, 'datasets'))) {
    const file = path.join(projectRoot, 'datasets', id, 'dataset.yaml');
    if (!fs.existsSync(file)) continue;
    fs.mkdirSync(path.join(configRoot, 'datasets', id), { recursive: true });
    fs.copyFileSync(file, path.join(configRoot, 'datasets', id, 'dataset.yaml'));
  }
  grading = path.join(configRoot, 'policies', 'grading.yaml');
  goodGrading = fs.readFileSync(grading, 'utf8');
  profiles = path.join(configRoot, 'policies', 'profiles.yaml');
  goodProfiles = fs.readFileSync(profiles, 'utf8');
  t = await testService({
    domain: await cachedDomainFile(3000),
    env: { DSBX_POLICIES_DIR: path.join(configRoot, 'policies'), DSBX_DATASETS_DIR: path.join(configRoot, 'datasets'), PORT: '0' },
  });
  admin = await t.token('admin', { sub: 'dmd-admin', org: 'qqhr-dmd' });
  developer = await t.token('developer');
  reviewer = await t.token('reviewer');
});
afterAll(async () => {
  await t?.cleanup();
  if (configRoot) fs.rmSync(configRoot, { recursive: true, force: true });
});

describe('POST /v1/admin/reload', () => {
  it('is for admins only', async () => {
    expect((await reload(developer)).status).toBe(403);
  });

  it('changes nothing when the files are as loaded', async () => {
    const before = await version();
    const body = await json(await reload());
    expect(body).toEqual({ changed: false, catalogVersion: before, version: 1 });
  });

  describe('with a grading.yaml that fails validation', () => {
    it('keeps the last good policy and answers CONFLICT naming the file and the field, never an absolute path', async () => {
      const before = await version();
      const failed = await failures();
      fs.writeFileSync(grading, goodGrading.replace(/(L2:[\s\S]*?groupKey: )raw/, '$1sometimes'));
      const res = await reload();
      expect(res.status).toBe(409);
      const text = await res.text();
      expect(text).not.toContain(configRoot);
      expect(text).not.toContain(os.tmpdir());
      const body = JSON.parse(text);
      expect(body.error.code).toBe('CONFLICT');
      expect(body.error.details).toMatchObject({ file: 'policies/grading.yaml', fields: ['levels.L2.groupKey'], state: 'kept', catalogVersion: before });
      expect(await version()).toBe(before);
      expect(await failures()).toBe(failed + 1);
      expect((await t.request('/healthz')).status).toBe(200);
      expect((await query()).status).toBe(200);
      const line = t.logs.find((l) => l['event'] === 'config_reload_failed');
      expect(line).toMatchObject({ level: 'error', file: 'policies/grading.yaml', fields: ['levels.L2.groupKey'] });
      expect(t.logText()).not.toContain(configRoot);
    });

    it('reports a YAML syntax error as such', async () => {
      fs.writeFileSync(grading, `${goodGrading}\n  : : [\n`);
      const body = await json(await reload());
      expect(body.error.details).toMatchObject({ file: 'policies/grading.yaml', fields: ['(syntax)'] });
    });

    it('names a dataset file relative to the project', async () => {
      fs.writeFileSync(grading, goodGrading);
      const file = path.join(configRoot, 'datasets', 'population', 'dataset.yaml');
      const good = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, good.replace('level: L2, kind: attribute, semantic: gender', 'level: L9, kind: attribute, semantic: gender'));
      try {
        const body = await json(await reload());
        expect(body.error.details.file).toBe('datasets/population/dataset.yaml');
        expect(body.error.details.fields[0]).toMatch(/^tables\.0\.columns\.\d+\.level$/);
      } finally {
        fs.writeFileSync(file, good);
      }
    });
  });

  it('makes fixed files with a real change the next version, and later queries are decided and recorded under it', async () => {
    const before = await version();
    const old = await json(await query());
    expect(old.disclosure.threshold).toEqual({ k: 10, rounding: 5 });
    fs.writeFileSync(grading, goodGrading);
    fs.writeFileSync(profiles, goodProfiles.replace('k: 10            #', 'k: 20            #').replace('rounding: 5 ', 'rounding: 10'));
    const body = await json(await reload());
    expect(body).toMatchObject({ changed: true, version: 2 });
    expect(body.catalogVersion).toMatch(/^v2:[0-9a-f]{16}$/);
    expect(await version()).toBe(body.catalogVersion);
    const rec = await json(await t.request(`/v1/lineage/${body.lineageId}`, { token: reviewer }));
    expect(rec).toMatchObject({ kind: 'governance', subject: 'dmd-admin', catalogVersion: body.catalogVersion });
    expect(rec.decision.reasons[0].rule).toBe('catalog.reloaded');
    const now = await json(await query());
    expect(now.disclosure.threshold).toEqual({ k: 20, rounding: 10 });
    expect((await json(await t.request(`/v1/lineage/${now.lineageId}`, { token: reviewer }))).catalogVersion).toBe(body.catalogVersion);
    expect((await json(await t.request(`/v1/lineage/${old.lineageId}`, { token: reviewer }))).catalogVersion).toBe(before);
  });
});

describe('SIGHUP', () => {
  it('reloads the files of a serving process, and a corrupt file leaves it serving the last good version', async () => {
    const before = await version();
    const stopped = serveUntilSignal(t.service, t.config, () => undefined);
    try {
      fs.writeFileSync(grading, '{ not: [valid');
      process.emit('SIGHUP');
      await expect.poll(() => t.logs.filter((l) => l['event'] === 'config_reload_failed').length, { timeout: 5_000 }).toBeGreaterThan(2);
      expect(await version()).toBe(before);
      fs.writeFileSync(grading, goodGrading);
      fs.writeFileSync(profiles, goodProfiles);
      process.emit('SIGHUP');
      await expect.poll(version, { timeout: 10_000 }).toMatch(/^v3:/);
      expect((await json(await query())).disclosure.threshold).toEqual({ k: 10, rounding: 5 });
    } finally {
      process.emit('SIGINT');
      expect(await stopped).toBe(0);
    }
  }, 30_000);
});
