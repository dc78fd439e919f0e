// The live catalog with real compilers: a pinned query keeps its snapshot (catalog, policy, compiler,
// version) across an install; a replaced compiler stays usable until its last pinned query ends and is
// closed then; discarded snapshots close theirs; concurrent version changes are numbered one after another.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog, makeCatalog } from './load.ts';
import { loadPolicy } from '../policy/load.ts';
import { SqlCompiler } from '../sql/compile.ts';
import { LiveCatalog, snapshotHash } from './live-catalog.ts';

const root = path.resolve(import.meta.dirname, '../..');
const files = loadCatalog(path.join(root, 'datasets'));
const policy = loadPolicy(path.join(root, 'policies'));
/** The catalog without its first dataset: a visibly different version. */
const smaller = makeCatalog(files.datasets.slice(1));
const stricter = { ...policy, profiles: { ...policy.profiles, threshold: { ...policy.profiles.threshold, k: 50 } } };

const opened: LiveCatalog[] = [];
const live = (compilers: boolean) => {
  const l = new LiveCatalog({ catalog: files, policy });
  if (compilers) l.useCompilers((c) => SqlCompiler.create(c));
  opened.push(l);
  return l;
};
afterEach(() => opened.splice(0).forEach((l) => l.close()));

/** Resolves when `release` is called: holds a pinned attempt open while the test installs a new version. */
const gate = () => {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  return { opened, release };
};

const parses = async (c: SqlCompiler | undefined): Promise<boolean> => {
  try {
    await c!.serialize('SELECT 1');
    return true;
  } catch {
    return false;
  }
};

describe('LiveCatalog', () => {
  it('starts at version 1 named v1:<hash of datasets and policy>', () => {
    const l = live(false);
    expect(l.current()).toMatchObject({ version: 1, hash: snapshotHash(files, policy), id: `v1:${snapshotHash(files, policy)}` });
    expect(snapshotHash(files, stricter)).not.toBe(snapshotHash(files, policy));
  });

  it('keeps a pinned attempt on its snapshot across an install, while new reads see the new version', async () => {
    const l = live(false);
    const g = gate();
    const seen: unknown[] = [];
    const attempt = l.pin(async () => {
      seen.push(l.current().version, l.catalog.datasets.length, l.policy.profiles.threshold.k);
      await g.opened;
      seen.push(l.current().version, l.catalog.datasets.length, l.policy.profiles.threshold.k, l.catalog.dataset(files.datasets[0]!.id) !== undefined);
    });
    const next = (await l.prepare(smaller, stricter)).install();
    expect(next.version).toBe(2);
    expect([l.current().version, l.catalog.datasets.length, l.policy.profiles.threshold.k]).toEqual([2, files.datasets.length - 1, 50]);
    g.release();
    await attempt;
    expect(seen).toEqual([1, files.datasets.length, 10, 1, files.datasets.length, 10, true]);
  });

  it('closes a replaced compiler only after the last attempt pinned to it has finished', async () => {
    const l = live(true);
    (await l.prepare(files, policy)).install();
    const first = l.current().compiler;
    const g = gate();
    let usableDuring = false;
    const attempt = l.pin(async () => {
      await g.opened;
      usableDuring = await parses(l.current().compiler);
    });
    (await l.prepare(smaller, policy)).install();
    expect(l.current().compiler).not.toBe(first);
    expect(await parses(first)).toBe(true);
    g.release();
    await attempt;
    expect(usableDuring).toBe(true);
    expect(await parses(first)).toBe(false);
    expect(await parses(l.current().compiler)).toBe(true);
  });

  it('closes the compiler of a discarded snapshot and tells an unchanged one apart', async () => {
    const l = live(true);
    const same = await l.prepare(files, policy);
    expect(same.unchanged).toBe(true);
    same.discard();
    const other = await l.prepare(files, stricter);
    expect(other.unchanged).toBe(false);
    other.discard();
    expect(() => other.install()).toThrow();
    expect(l.current().version).toBe(1);
  });

  it('runs version changes one at a time, each seeing the version the previous one installed, even after a failure', async () => {
    const l = live(true);
    const events: string[] = [];
    const change = (name: string, c: typeof files, fail = false) =>
      l.exclusive(async () => {
        const base = l.current().version;
        events.push(`${name} starts on v${base}`);
        const prepared = await l.prepare(c, policy);
        if (fail) {
          prepared.discard();
          throw new Error('refused');
        }
        const v = prepared.install(base + 1).version;
        events.push(`${name} installs v${v}`);
        return v;
      });
    const results = await Promise.allSettled([change('a', smaller), change('b', files, true), change('c', files)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(events).toEqual(['a starts on v1', 'a installs v2', 'b starts on v2', 'c starts on v2', 'c installs v3']);
  });
});
