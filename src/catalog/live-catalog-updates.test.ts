// Startup numbering of the live catalog from the governance log (same files: same version; changed files or
// an applied change: the next one, recorded), and how a reload names a failing file and its fields.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFileError, loadCatalog, makeCatalog } from './load.ts';
import { loadPolicy } from '../policy/load.ts';
import type { Principal } from '../auth/principal.ts';
import { CatalogChangeBook } from '../governance/catalog-changes.ts';
import { openNdjsonEventLog } from '../governance/event-log.ts';
import { WorkingDayCalendar } from '../governance/working-days.ts';
import { LiveCatalog } from './live-catalog.ts';
import { problemFields, relativeConfigFile, reloadCatalog, restoreLiveCatalog } from './live-catalog-updates.ts';
import { createJsonLogger } from '../api/logger.ts';
import { AppError } from '../errors.ts';

const root = path.resolve(import.meta.dirname, '../..');
const files = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
const calendar = new WorkingDayCalendar({ utcOffsetMinutes: 480, holidays: [] });
const steward: Principal = { sub: 'psb', org: 'qqhr-psb', roles: ['steward'], datasets: [], jti: 'j1', exp: 0 };
const admin: Principal = { sub: 'dmd', org: 'qqhr-dmd', roles: ['admin'], datasets: [], jti: 'j2', exp: 0 };

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const logFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-live-'));
  dirs.push(d);
  return path.join(d, 'governance.ndjson');
};

/** One "start" of a service: the files as given, the log replayed, the catalog restored. */
const start = async (file: string, catalog = files) => {
  const log = openNdjsonEventLog(file);
  const live = new LiveCatalog({ catalog, policy });
  const book = new CatalogChangeBook(log, calendar, live.catalog);
  const snap = await restoreLiveCatalog(live, book);
  return { live, book, snap, events: log.events.length, close: () => log.close() };
};

describe('restoreLiveCatalog', () => {
  it('records version 1 on a first start and keeps it while nothing changes', async () => {
    const file = logFile();
    const first = await start(file);
    expect(first.snap.version).toBe(1);
    expect(first.events).toBe(1);
    first.close();
    const second = await start(file);
    expect(second.snap.id).toBe(first.snap.id);
    expect(second.events).toBe(1);
    second.close();
  });

  it('re-applies applied changes over the files and keeps their version after a restart', async () => {
    const file = logFile();
    const s = await start(file);
    const c = s.book.propose(steward, { dataset: 'population', reason: 'r', edits: [{ op: 'set_update_frequency', updateFrequency: 'yearly' }] }).change;
    s.book.review(admin, c.id, 'approve', undefined);
    const prepared = await s.live.prepare(makeCatalog(s.book.candidate(admin, c.id)), policy);
    s.book.markApplied(admin, c.id, { version: 2, hash: prepared.hash });
    const v2 = prepared.install(2);
    s.close();
    const again = await start(file);
    expect(again.snap.id).toBe(v2.id);
    expect(again.live.catalog.dataset('population')!.updateFrequency).toBe('yearly');
    again.close();
  });

  it('numbers files changed while the service was down as the next version, and records it', async () => {
    const file = logFile();
    (await start(file)).close();
    const changed = await start(file, makeCatalog(files.datasets.slice(1)));
    expect(changed.snap.version).toBe(2);
    expect(changed.book.recordedVersion()).toEqual({ version: 2, hash: changed.snap.hash });
    changed.close();
  });
});

describe('how a failing file is named', () => {
  const dirsOf = { datasetsDir: '/srv/dsbx/config/datasets', policiesDir: '/srv/dsbx/config/policies' };

  it('names config files relative to the project, and anything else by its base name only', () => {
    expect(relativeConfigFile('/srv/dsbx/config/policies/grading.yaml', dirsOf)).toBe('policies/grading.yaml');
    expect(relativeConfigFile('/srv/dsbx/config/datasets/health/dataset.yaml', dirsOf)).toBe('datasets/health/dataset.yaml');
    expect(relativeConfigFile('/etc/secret/thing.yaml', dirsOf)).toBe('thing.yaml');
  });

  it('keeps the field paths of the problems and drops their messages', () => {
    expect(problemFields(new ConfigFileError('f', "levels.L2.groupKey: must be 'raw' (was 'x'); dp.k: must be positive"))).toEqual(['levels.L2.groupKey', 'dp.k']);
    expect(problemFields(new ConfigFileError('f', 'not valid YAML (Unexpected flow-map-end token: x)'))).toEqual(['(syntax)']);
  });
});

describe('reloadCatalog with applied changes', () => {
  /** A copy of datasets/ and policies/ to edit. */
  const configCopy = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-live-config-'));
    dirs.push(d);
    fs.cpSync(path.join(root, 'policies'), path.join(d, 'policies'), { recursive: true });
    for (const id of files.datasets.map((x) => x.id)) {
      fs.mkdirSync(path.join(d, 'datasets', id), { recursive: true });
      fs.copyFileSync(path.join(root, 'datasets', id, 'dataset.yaml'), path.join(d, 'datasets', id, 'dataset.yaml'));
    }
    return { datasetsDir: path.join(d, 'datasets'), policiesDir: path.join(d, 'policies') };
  };

  it('re-applies them over the reloaded files, and keeps the last good version naming the change that no longer fits', async () => {
    const cfg = configCopy();
    const s = await start(logFile());
    const c = s.book.propose(steward, { dataset: 'population', reason: 'r', edits: [{ op: 'set_level', table: 'residents', column: 'phone', level: 'L3' }, { op: 'set_mask', table: 'residents', column: 'phone', mask: null }] }).change;
    s.book.review(admin, c.id, 'approve', undefined);
    const prepared = await s.live.prepare(makeCatalog(s.book.candidate(admin, c.id)), policy);
    s.book.markApplied(admin, c.id, { version: 2, hash: prepared.hash });
    prepared.install(2);
    const lines: string[] = [];
    const logger = createJsonLogger((l) => lines.push(l));
    let failures = 0;
    const reload = () => reloadCatalog({ live: s.live, dirs: cfg, changes: s.book, by: admin, logger, onFailure: () => failures++ });

    const same = await reload();
    expect(same).toMatchObject({ changed: false, snapshot: { version: 2 } });
    expect(s.live.catalog.table('population', 'residents')!.table.columns.find((x) => x.name === 'phone')!.level).toBe('L3');

    const file = path.join(cfg.datasetsDir, 'population', 'dataset.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('name: phone,')).join('\n'));
    const refused = await reload().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('CONFLICT');
    expect((refused as AppError).details).toMatchObject({ file: 'datasets/population/dataset.yaml', change: c.id, state: 'kept', catalogVersion: s.live.current().id });
    expect(s.live.current().version).toBe(2);
    expect(failures).toBe(1);
    expect(lines.join('')).not.toContain(cfg.datasetsDir);
    s.close();
  });
});
