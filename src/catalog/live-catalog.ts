// The live catalog and policy: the current versioned snapshot {catalog, policy, compiler}, replaced
// atomically by an applied catalog change or a reload. A query pins one snapshot from compile to lineage
// record, so it is never decided under one version and recorded under another; a replaced compiler is
// closed once the last query pinned to its snapshot has finished.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Catalog } from './schema.ts';
import type { Policy } from '../policy/schema.ts';
import type { SqlCompiler } from '../sql/compile.ts';
import { canonicalJson } from '../lineage/canonical-hash.ts';

export interface CatalogSnapshot {
  /** 1, 2, 3…: increases with every applied change or reload that changed anything; persisted by governance. */
  readonly version: number;
  /** 16 hex digits of SHA-256 over the canonical JSON of the datasets and the policy. */
  readonly hash: string;
  /** `v<version>:<hash>`, what lineage records name as their catalogVersion. */
  readonly id: string;
  readonly catalog: Catalog;
  readonly policy: Policy;
  /** The compiler over this catalog's tables; absent in a service without a query path. */
  readonly compiler: SqlCompiler | undefined;
  readonly installedAt: string;
}

/** A snapshot built (its compiler created) but not yet current: install it, or discard it. */
export interface PreparedSnapshot {
  readonly hash: string;
  /** The hash equals the current snapshot's: installing would change nothing. */
  readonly unchanged: boolean;
  /** Makes it current, numbered `version` (default: the current version + 1). */
  install(version?: number): CatalogSnapshot;
  discard(): void;
}

export const snapshotHash = (catalog: Catalog, policy: Policy): string =>
  createHash('sha256')
    .update(canonicalJson({ datasets: catalog.datasets, policy: { grading: policy.grading, profiles: policy.profiles, functions: policy.functions } }))
    .digest('hex')
    .slice(0, 16);

interface Entry {
  snapshot: CatalogSnapshot;
  pins: number;
  retired: boolean;
}

export type CompilerFactory = (catalog: Catalog) => Promise<SqlCompiler>;

export class LiveCatalog {
  #current: Entry;
  #createCompiler: CompilerFactory | undefined;
  #closed = false;
  /** Changes of version (prepare + install) run one at a time, so two cannot both number themselves N+1. */
  #serial: Promise<unknown> = Promise.resolve();
  readonly #pinned = new AsyncLocalStorage<Entry>();
  /** A Catalog whose every read goes to the pinned snapshot inside `pin`, else the current one. */
  readonly catalog: Catalog;
  /** The Policy of the pinned, else current, snapshot. */
  readonly policy: Policy;

  constructor(initial: { catalog: Catalog; policy: Policy; version?: number }) {
    this.#current = { snapshot: makeSnapshot(initial.catalog, initial.policy, undefined, initial.version ?? 1), pins: 0, retired: false };
    const snap = () => this.current();
    this.catalog = {
      get datasets() {
        return snap().catalog.datasets;
      },
      dataset: (id) => snap().catalog.dataset(id),
      table: (schema, table) => snap().catalog.table(schema, table),
    };
    this.policy = {
      get grading() {
        return snap().policy.grading;
      },
      get profiles() {
        return snap().policy.profiles;
      },
      get functions() {
        return snap().policy.functions;
      },
    };
  }

  /** The snapshot pinned by the enclosing `pin`, else the current one. */
  current(): CatalogSnapshot {
    return (this.#pinned.getStore() ?? this.#current).snapshot;
  }

  /** From now on every prepared snapshot gets its own compiler (the query path calls this once it starts). */
  useCompilers(create: CompilerFactory): void {
    this.#createCompiler = create;
  }

  /** Runs `f` with the current snapshot pinned: every read inside sees it, and its compiler stays open. */
  async pin<T>(f: () => Promise<T>): Promise<T> {
    const outer = this.#pinned.getStore();
    if (outer) return f();
    const entry = this.#current;
    entry.pins++;
    try {
      return await this.#pinned.run(entry, f);
    } finally {
      entry.pins--;
      this.#closeIfIdle(entry);
    }
  }

  /** Runs `f` after every earlier `exclusive` call has finished: wrap each prepare-then-install in one. */
  exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#serial.catch(() => undefined).then(f);
    this.#serial = run;
    return run;
  }

  async prepare(catalog: Catalog, policy: Policy): Promise<PreparedSnapshot> {
    if (this.#closed) throw new Error('live catalog: closed');
    const hash = snapshotHash(catalog, policy);
    const compiler = this.#createCompiler ? await this.#createCompiler(catalog) : undefined;
    let done = false;
    const once = () => {
      if (done) throw new Error('live catalog: a prepared snapshot is installed or discarded once');
      done = true;
    };
    return {
      hash,
      unchanged: hash === this.#current.snapshot.hash,
      install: (version) => {
        once();
        const next = version ?? this.#current.snapshot.version + 1;
        const old = this.#current;
        this.#current = { snapshot: makeSnapshot(catalog, policy, compiler, next, hash), pins: 0, retired: false };
        old.retired = true;
        this.#closeIfIdle(old);
        return this.#current.snapshot;
      },
      discard: () => {
        once();
        compiler?.close();
      },
    };
  }

  /** Closes the current compiler (queries still pinned to a retired snapshot close theirs when they end). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#current.retired = true;
    this.#closeIfIdle(this.#current);
  }

  #closeIfIdle(e: Entry): void {
    if (e.retired && e.pins === 0) {
      const c = e.snapshot.compiler;
      // Closed at most once: an Entry retires once and its pins only reach zero after that through here.
      e.snapshot = { ...e.snapshot, compiler: undefined };
      c?.close();
    }
  }
}

function makeSnapshot(catalog: Catalog, policy: Policy, compiler: SqlCompiler | undefined, version: number, hash = snapshotHash(catalog, policy)): CatalogSnapshot {
  if (!Number.isInteger(version) || version < 1) throw new Error('live catalog: versions are positive integers');
  return { version, hash, id: `v${version}:${hash}`, catalog, policy, compiler, installedAt: new Date().toISOString() };
}
