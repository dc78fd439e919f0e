// CompiledQuery: the contract between the compiler (src/sql, src/policy), the sandbox executor and output
// gate (sandbox/), and the query API and lineage (src/api, src/lineage). It is plain JSON so that it can
// cross the IPC boundary, where it is validated again (sandbox/protocol.ts).
import type { Level, MaskMethod } from '../catalog/schema.ts';

export type Mode = 'aggregate' | 'rows';
export type Usage = 'output' | 'filter' | 'join' | 'group' | 'aggregate';

/** A catalog column, fully qualified. */
export interface ColumnRef {
  readonly dataset: string;
  readonly table: string;
  readonly column: string;
}

/** How a released column is protected; the output gate acts on `kind`. */
export type Protection =
  | { readonly kind: 'group_key'; readonly level: Level; readonly generalized: boolean }
  | { readonly kind: 'aggregate'; readonly fn: string; readonly level: Level; readonly rounded: boolean }
  | { readonly kind: 'raw'; readonly level: Level }
  | { readonly kind: 'generalized'; readonly level: Level }
  | { readonly kind: 'masked'; readonly method: MaskMethod }
  | { readonly kind: 'pseudonym' };

/** Lineage of one output column (DESIGN.md, Lineage record: outputs). */
export type Transform = 'raw' | 'generalized' | 'masked' | 'pseudonymized' | `aggregated(${string})`;

export interface OutputColumn {
  readonly name: string;
  readonly protection: Protection;
  readonly derivedFrom: readonly ColumnRef[];
  readonly transform: Transform;
  /** Rows mode: part of the k-anonymity class key. */
  readonly quasiIdentifier: boolean;
}

/** Columns the rewrite adds that the gate uses and then removes; they never leave the sandbox. */
export interface HelperColumn {
  readonly name: string;
  /** unit_count: distinct privacy units of the group; row_count (dp avg): rows behind a noisy average. */
  readonly role: 'unit_count' | 'row_count';
}

/**
 * Differential privacy (profile `dp`): what each released aggregate measures, so that src/dp can calibrate
 * its noise. count: rows; count_units: distinct privacy units; sum: the clamped values, summed in integer
 * units of 10^-decimals (the rewrite scales and rounds each row); avg: such a sum, divided by the row count
 * in the helper `countHelper` after both are noised.
 */
export interface DpAggregate {
  readonly output: string;
  readonly measure: 'count' | 'count_units' | 'sum' | 'avg';
  /** sum/avg: each row's value is clamped to this range (in the value's own units) before it is summed. */
  readonly bounds: readonly [number, number] | null;
  /** sum/avg: the sum is an integer count of 10^-decimals units (cents: 2); 0 for counts. */
  readonly decimals: number;
  readonly countHelper: string | null;
}

export interface DpQuery {
  /** Contribution bounds the rewrite enforced: groups per privacy unit, rows per unit and group. */
  readonly maxGroups: number;
  readonly maxRows: number;
  /** Grouped releases are thresholded on a noisy unit count (τ); a global aggregate always has its one row. */
  readonly grouped: boolean;
  /** τ is never below this (policy dp.k). */
  readonly tauFloor: number;
  /** ε and δ of this release: the policy default from the compiler, the caller's ε set by the query API. */
  readonly epsilon: number;
  readonly delta: number;
  readonly aggregates: readonly DpAggregate[];
}

export interface InputColumn extends ColumnRef {
  readonly level: Level;
  readonly usage: readonly Usage[];
}

export interface CompiledQuery {
  readonly version: 1;
  readonly mode: Mode;
  /** SQL rendered by DuckDB (json_deserialize_sql) from the checked, rewritten AST: what executes. */
  readonly sql: string;
  /** The caller's query normalized (rendered from the unrewritten AST) and its SHA-256 fingerprint. */
  readonly normalizedSql: string;
  readonly fingerprint: string;
  readonly profile: 'threshold' | 'dp';
  /** Result columns in order: `outputs` first, then `helpers`. */
  readonly outputs: readonly OutputColumn[];
  readonly helpers: readonly HelperColumn[];
  /** Aggregate mode: groups under k distinct privacy units are dropped; counts rounded to the base. */
  readonly threshold: { readonly k: number; readonly rounding: number } | null;
  /** Rows mode: rows in quasi-identifier classes smaller than k are suppressed. */
  readonly kAnonymity: { readonly k: number; readonly quasiIdentifiers: readonly string[] } | null;
  readonly rowCap: number;
  readonly datasets: readonly string[];
  readonly inputs: readonly InputColumn[];
  /** Present exactly when profile is 'dp' (aggregate mode only). */
  readonly dp?: DpQuery;
  /**
   * Threshold releases over one table whose rows per privacy unit are bounded (src/sql/unit-row-bounds.ts):
   * the same release with the unit-count helper counting rows, which the executor runs first. Its answer
   * stands when every group has fewer than k rows or more than `decidedAbove`; otherwise the undecided
   * groups are counted exactly (`undecided`), or `sql` runs.
   */
  readonly unitCountByRows?: {
    readonly sql: string;
    readonly decidedAbove: number;
    /**
     * Grouped releases: `sql` ends with the hidden hash of each group's key outputs, and this is the exact
     * release filtered to some of those hashes — its text up to the parameter list `($1, …, $n)` the
     * executor appends for the groups count(*) left undecided (src/sql/undecided-groups.ts).
     */
    readonly undecided?: { readonly sqlBeforeHashes: string };
  };
}
