// The compiler's verdict on a query: a value, never an exception (STYLE.md: decisions are discriminated unions).
import type { Violation } from '../errors.ts';
import type { CompiledQuery, InputColumn } from '../sql/compiled.ts';

export type DenyCode =
  | 'BAD_REQUEST'
  | 'SQL_SYNTAX'
  | 'SQL_UNSUPPORTED'
  | 'SQL_AMBIGUOUS'
  | 'POLICY_DENIED'
  | 'NOT_LICENSED'
  | 'DATASET_SUSPENDED';

export type Decision =
  | { readonly effect: 'allow'; readonly compiled: CompiledQuery }
  | {
      readonly effect: 'deny';
      readonly code: DenyCode;
      readonly message: string;
      /** Every violation found, not only the first. */
      readonly violations: readonly Violation[];
      /** What the analysis learned before refusing, for the lineage record (never data values). */
      readonly partial: {
        readonly normalizedSql?: string;
        readonly fingerprint?: string;
        readonly datasets?: readonly string[];
        readonly inputs?: readonly InputColumn[];
      };
    };
