// Gate entry: the result's columns must be exactly the plan's outputs followed by its helpers, by name and
// count. Anything else means what ran is not what was checked, so nothing is released.
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { SandboxError } from '../failure.ts';
import type { RawResult, Release } from './types.ts';

export function releaseFromResult(raw: RawResult, compiled: CompiledQuery): Release {
  const planned = [
    ...compiled.outputs.map((o) => ({ name: o.name, protection: o.protection })),
    ...compiled.helpers.map((h) => ({ name: h.name, protection: null })),
  ];
  if (raw.columns.length !== planned.length) throw new SandboxError('column_mismatch');
  const columns = planned.map((p, i) => {
    const actual = raw.columns[i];
    if (actual === undefined || actual.name !== p.name) throw new SandboxError('column_mismatch');
    return { name: p.name, type: actual.type, protection: p.protection };
  });
  for (const row of raw.rows) if (row.length !== columns.length) throw new SandboxError('column_mismatch');
  return {
    columns,
    rows: raw.rows,
    disclosure: {
      threshold: compiled.threshold,
      suppressedGroups: 0,
      suppressedRows: 0,
      rounding: null,
      kAnonymity: null,
      truncated: raw.moreRowsThanRead,
    },
  };
}
