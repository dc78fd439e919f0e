// The output gate's types: what a query produced inside the sandbox, the release being built step by step,
// and the GateResult that is the only thing allowed to leave the sandbox process.
import type { Protection } from '../../src/sql/compiled.ts';

/** A value as read from DuckDB inside the sandbox, before the last step makes it JSON-safe. */
export type GateValue = null | boolean | number | bigint | string;

/** What the engine returned, already converted to GateValues; never leaves the sandbox. */
export interface RawResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: GateValue[][];
  /** The engine had more rows than were read: reading stopped at the cap. */
  readonly moreRowsThanRead: boolean;
}

export interface Disclosure {
  readonly threshold: { readonly k: number; readonly rounding: number } | null;
  readonly suppressedGroups: number;
  readonly suppressedRows: number;
  readonly rounding: number | null;
  readonly kAnonymity: number | null;
  readonly truncated: boolean;
  readonly rowCount: number;
}

/** A released value: JSON-safe. */
export type ReleasedValue = null | boolean | number | string;

export interface ReleasedColumn {
  readonly name: string;
  readonly type: string;
  readonly protection: Protection;
}

export interface GateResult {
  readonly columns: readonly ReleasedColumn[];
  readonly rows: ReleasedValue[][];
  readonly disclosure: Disclosure;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of `{ columns, rows }` as released. */
  readonly resultSha256: string;
  readonly timings: { readonly executeMs: number; readonly gateMs: number };
  /**
   * The SQL that answered when it is not the compiled query's `sql`: its unit count by rows, followed by
   * the exact release of the groups that left undecided, if any (sandbox/executor/unit-count-by-rows.ts).
   */
  readonly answeredBy?: string;
}

/**
 * The release as it moves through the gate's steps. Columns start as the plan's outputs followed by its
 * helpers; the helper-removal step drops the helpers. Steps return a new Release rather than mutating the
 * one they were given, except for the row arrays they own (copying a million rows per step costs more
 * than it protects).
 */
export interface Release {
  readonly columns: readonly { readonly name: string; readonly type: string; readonly protection: Protection | null }[];
  readonly rows: GateValue[][];
  readonly disclosure: Omit<Disclosure, 'rowCount'>;
}

/** Per-query context the gate needs that is not in the plan. */
export interface GateContext {
  /** HMAC key derived for this license (see pseudonym.ts); never the server secret itself. */
  readonly pseudonymKey: Uint8Array;
}

/** One step of the gate's chain. A step that cannot apply its protection throws a SandboxError. */
export type GateStep = (release: Release, compiled: import('../../src/sql/compiled.ts').CompiledQuery, ctx: GateContext) => Release;
