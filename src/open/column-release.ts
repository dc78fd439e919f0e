// How each catalog column of an open table leaves (arts. 17-19): an unconditionally open table releases its
// L1 and L2 columns as they are; a conditionally open one is desensitized first, L4 identifiers keyed-
// pseudonymized (or masked) where the catalog allows, L3 timestamps and dates generalized to the month
// (timestamps also to the hour of day), and any other L3 or L4 column left out. The compiler and the output
// gate still check and apply all of it: this only decides what to ask for.
import type { Column, Table } from '../catalog/schema.ts';

export type ReleaseMethod = 'raw' | 'pseudonymized' | 'masked' | 'generalized' | 'omitted';

export interface ReleasedColumn {
  /** The name in the answer. */
  readonly name: string;
  /** The SQL expression over the catalog column (identifiers are catalog names: [a-z][a-z0-9_]*). */
  readonly expression: string;
  /** What the caller reads about it, e.g. "month", "hour of day". */
  readonly description: string;
}

export interface ColumnRelease {
  readonly column: Column;
  readonly method: ReleaseMethod;
  readonly outputs: readonly ReleasedColumn[];
}

const quote = (name: string): string => `"${name}"`;

function conditional(c: Column): ColumnRelease {
  const q = quote(c.name);
  if (c.level === 'L1' || c.level === 'L2') return { column: c, method: 'raw', outputs: [{ name: c.name, expression: q, description: 'as recorded' }] };
  if (c.level === 'L4') {
    if (c.pseudonym) return { column: c, method: 'pseudonymized', outputs: [{ name: c.name, expression: `pseudonym(${q})`, description: 'keyed pseudonym per license' }] };
    if (c.mask) return { column: c, method: 'masked', outputs: [{ name: c.name, expression: `mask(${q})`, description: `masked (${c.mask})` }] };
    return { column: c, method: 'omitted', outputs: [] };
  }
  if (c.type === 'TIMESTAMP') {
    return {
      column: c, method: 'generalized',
      outputs: [
        { name: `${c.name}_month`, expression: `date_trunc('month', ${q})`, description: 'month' },
        { name: `${c.name}_hour`, expression: `hour(${q})`, description: 'hour of day' },
      ],
    };
  }
  if (c.type === 'DATE') return { column: c, method: 'generalized', outputs: [{ name: `${c.name}_month`, expression: `date_trunc('month', ${q})`, description: 'month' }] };
  return { column: c, method: 'omitted', outputs: [] };
}

function unconditional(c: Column): ColumnRelease {
  if (c.level === 'L1' || c.level === 'L2') return { column: c, method: 'raw', outputs: [{ name: c.name, expression: quote(c.name), description: 'as recorded' }] };
  return { column: c, method: 'omitted', outputs: [] };
}

/** One release per catalog column, in catalog order. */
export function releasePlan(table: Table, open: 'unconditional' | 'conditional'): ColumnRelease[] {
  return table.columns.map(open === 'unconditional' ? unconditional : conditional);
}
