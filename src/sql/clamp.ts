// The clamp both rewrites put around a bounded value (src/policy/rewrite.ts, src/dp/dp-rewrite.ts): the
// sandbox macro dsbx_clamp(x, lo, hi) (sandbox/macros.ts), that is
//   CASE WHEN x < lo THEN lo WHEN x > hi THEN hi ELSE x END
// A NULL stays NULL, so sum() and avg() skip it as they would the raw value; least(greatest(x, lo), hi)
// turned it into lo (DuckDB's greatest ignores NULL arguments), which counted every missing value as the
// lower bound in an average. NaN, which DuckDB orders above every number, becomes hi either way. The
// result type is the one least/greatest gave, and DuckDB runs it 25–30% faster (a sum over the 5M power
// readings of the 1M domain: 45 against 66 ms). A macro rather than the CASE written out, so that the SQL
// a reviewer reads says what it does, and a compound x is written once (DuckDB computes it once too).
import { CLAMP_MACRO } from '../../sandbox/macros.ts';
import type { Expr, FunctionNode } from './ast.ts';

export function clampBetween(x: Expr, lo: Expr, hi: Expr): FunctionNode {
  return {
    kind: 'function', name: CLAMP_MACRO, args: [{ ...x, alias: '' }, lo, hi], distinct: false, isOperator: false,
    schema: '', pos: 0, alias: '', filter: null, orderBy: [],
  };
}
