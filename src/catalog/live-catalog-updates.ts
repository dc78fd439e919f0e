// The three ways the live catalog moves to a version: at startup (files plus the applied changes, numbered
// from the governance log), by applying an approved catalog change (art. 8), and by reloading the files on
// request (SIGHUP or POST /v1/admin/reload). A reload whose files fail validation keeps the last good
// catalog and policy and reports the file (relative to the project) and the field paths, never their values.
import path from 'node:path';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../api/logger.ts';
import type { CatalogChangeBook, CatalogChangeTransition } from '../governance/catalog-changes.ts';
import { loadPolicy } from '../policy/load.ts';
import { ConfigFileError, loadCatalog, makeCatalog } from './load.ts';
import type { CatalogSnapshot, LiveCatalog } from './live-catalog.ts';

/** Who a reload by signal or a version found at startup is recorded as. */
export const SYSTEM_PRINCIPAL: Principal = { sub: 'dsbx-system', org: 'dsbx', roles: ['admin'], datasets: [], jti: 'system', exp: 0 };

export interface ConfigDirs {
  readonly datasetsDir: string;
  readonly policiesDir: string;
}

/**
 * Installs files + applied changes as the first compiled snapshot, numbered as the log says: the recorded
 * version when nothing changed while the service was down, else the next one, recorded in the log and then
 * passed to `onNewVersion` once installed (for its lineage record, which names the new version).
 */
export async function restoreLiveCatalog(
  live: LiveCatalog,
  changes: CatalogChangeBook,
  onNewVersion: (snapshot: CatalogSnapshot) => Promise<unknown> = async () => undefined,
): Promise<CatalogSnapshot> {
  const restored = await live.exclusive(async () => {
    const files = live.current();
    const catalog = makeCatalog(changes.reapply(files.catalog.datasets));
    const prepared = await live.prepare(catalog, files.policy);
    const recorded = changes.recordedVersion();
    if (recorded && recorded.hash === prepared.hash) return { snapshot: prepared.install(recorded.version), isNew: false };
    const version = recorded ? recorded.version + 1 : 1;
    try {
      changes.recordVersion(SYSTEM_PRINCIPAL, 'catalog.versioned', { version, hash: prepared.hash });
    } catch (e) {
      prepared.discard();
      throw e;
    }
    return { snapshot: prepared.install(version), isNew: true };
  });
  if (restored.isNew) await onNewVersion(restored.snapshot);
  return restored.snapshot;
}

/** Applies an approved change: a new compiled snapshot, recorded in the log, then made current. */
export async function applyCatalogChange(live: LiveCatalog, changes: CatalogChangeBook, by: Principal, id: string): Promise<CatalogChangeTransition> {
  return live.exclusive(async () => {
    const datasets = changes.candidate(by, id);
    const current = live.current();
    const prepared = await live.prepare(makeCatalog(datasets), current.policy);
    let t: CatalogChangeTransition;
    try {
      t = changes.markApplied(by, id, { version: current.version + 1, hash: prepared.hash });
    } catch (e) {
      prepared.discard();
      throw e;
    }
    prepared.install(current.version + 1);
    return t;
  });
}

export interface ReloadOutcome {
  readonly changed: boolean;
  readonly snapshot: CatalogSnapshot;
  /** The governance lineage record of a reload that made a new version (set by the service, which holds the log). */
  readonly lineageId?: string;
}

/** `datasets/health/dataset.yaml`, `policies/grading.yaml`: a config file named without the machine's paths. */
export function relativeConfigFile(file: string, dirs: ConfigDirs): string {
  for (const dir of [dirs.datasetsDir, dirs.policiesDir]) {
    const rel = path.relative(dir, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return path.posix.join(path.basename(dir), ...rel.split(path.sep));
  }
  return path.basename(file);
}

/** The field paths of a ConfigFileError's problems ("levels.L3.k: must be…; …"); YAML syntax errors have none. */
export function problemFields(e: ConfigFileError): string[] {
  if (e.problems.startsWith('not valid YAML')) return ['(syntax)'];
  return e.problems.split('; ').map((p) => p.slice(0, Math.max(0, p.indexOf(':'))) || '(root)');
}

/**
 * Re-reads datasets/*.yaml and policies/*.yaml, re-applies the applied changes, and installs the result as
 * a new version when it differs from the current one. On any failure the current snapshot stays, `onFailure`
 * is called (the metric), a log line is written, and CONFLICT is thrown naming the file and fields.
 */
export async function reloadCatalog(opts: {
  live: LiveCatalog;
  dirs: ConfigDirs;
  changes?: CatalogChangeBook;
  by: Principal;
  logger: Logger;
  onFailure?: () => void;
}): Promise<ReloadOutcome> {
  const { live, dirs, changes, by, logger } = opts;
  return live.exclusive(async () => {
    const kept = live.current();
    const fail = (file: string | null, fields: readonly string[], why: string, change?: string): AppError => {
      opts.onFailure?.();
      logger.error('config_reload_failed', { file, fields: [...fields], why, keptVersion: kept.id, change: change ?? null });
      return new AppError('CONFLICT', 'the configuration files do not validate; the last good catalog and policy stay in force', {
        ...(file ? { file } : {}), fields: [...fields], state: 'kept', catalogVersion: kept.id, ...(change ? { change } : {}),
      });
    };
    let prepared;
    try {
      const files = loadCatalog(dirs.datasetsDir);
      const policy = loadPolicy(dirs.policiesDir);
      const catalog = changes ? makeCatalog(changes.reapply(files.datasets)) : files;
      prepared = await live.prepare(catalog, policy);
    } catch (e) {
      if (e instanceof ConfigFileError) throw fail(relativeConfigFile(e.file, dirs), problemFields(e), 'invalid');
      // A recorded change that no longer fits the files: the paths it reports are inside the dataset entry.
      if (e instanceof AppError) {
        const d = e.details ?? {};
        const fields = ((d['problems'] as { path: string }[] | undefined) ?? []).map((p) => p.path);
        const file = typeof d['dataset'] === 'string' ? `${path.basename(dirs.datasetsDir)}/${d['dataset']}/dataset.yaml` : null;
        throw fail(file, fields, 'changes_do_not_apply', typeof d['change'] === 'string' ? d['change'] : undefined);
      }
      throw fail(null, [], 'unreadable');
    }
    if (prepared.unchanged) {
      prepared.discard();
      logger.info('config_reloaded', { changed: false, catalogVersion: kept.id });
      return { changed: false, snapshot: kept };
    }
    const version = { version: kept.version + 1, hash: prepared.hash };
    try {
      changes?.recordVersion(by, 'catalog.reloaded', version);
    } catch (e) {
      prepared.discard();
      throw e;
    }
    const snapshot = prepared.install(version.version);
    logger.info('config_reloaded', { changed: true, catalogVersion: snapshot.id, previous: kept.id });
    return { changed: true, snapshot };
  });
}
