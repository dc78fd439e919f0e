// Interval arithmetic over the subset's numeric expressions: the range a value can take given the ranges of
// the columns it reads. Sums of sensitive values need it (a known per-row range bounds each person's
// contribution); anything it does not understand has no range, and the caller refuses (fail closed).
import type { ColumnNode, ConstantValue, Expr } from './ast.ts';

export type Range = readonly [number, number];

/** Ranges are only trusted within this magnitude, where doubles still hold every integer exactly. */
const LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Bucket widths under a thousandth of the input's range release close to raw values; a per-unit count
 * (granularity 1) is as coarse as `bucket(n, 1)`, hence generalized while its bound is at most this.
 */
export const BUCKET_RESOLUTION = 1000;

/** NULL reaches the value (it is ignored by sums, and propagates through arithmetic). */
const NULL = 'null' as const;
type Reach = Range | typeof NULL;

/** The numeric value of a literal, or null (strings, NULL, non-finite, huge DECIMAL/HUGEINT values). */
export function constantNumber(v: ConstantValue): number | null {
  if (v.is_null) return null;
  const raw = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && /^-?\d+$/.test(v.value) ? Number(v.value) : NaN;
  if (!Number.isFinite(raw)) return null;
  switch (v.type.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'HUGEINT': case 'UTINYINT': case 'USMALLINT': case 'UINTEGER': case 'UBIGINT':
    case 'FLOAT': case 'DOUBLE':
      return Math.abs(raw) <= LIMIT ? raw : null;
    case 'DECIMAL': {
      const info = v.type.type_info as { scale?: unknown } | null;
      const scale = typeof info?.scale === 'number' && Number.isInteger(info.scale) ? info.scale : null;
      return scale === null || Math.abs(raw) > LIMIT ? null : raw / 10 ** scale;
    }
    default:
      return null;
  }
}

const hull = (rs: readonly Reach[]): Reach | undefined => {
  const known = rs.filter((r): r is Range => r !== NULL);
  if (known.length === 0) return rs.length > 0 ? NULL : undefined;
  return [Math.min(...known.map((r) => r[0])), Math.max(...known.map((r) => r[1]))];
};

const finite = (r: Range): Range | undefined =>
  Number.isFinite(r[0]) && Number.isFinite(r[1]) && Math.abs(r[0]) <= LIMIT && Math.abs(r[1]) <= LIMIT ? r : undefined;

function times(a: Range, b: Range): Range {
  const p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]].map((x) => (Object.is(x, -0) ? 0 : x));
  return [Math.min(...p), Math.max(...p)];
}

const monotone = (r: Range, f: (x: number) => number): Range => [f(r[0]), f(r[1])];

/** Whether an expression reads no column (so its range is its value's). */
function columnFree(e: Expr): boolean {
  switch (e.kind) {
    case 'column': case 'in_subquery': case 'star': return false;
    case 'constant': return true;
    case 'function': return e.filter === null && e.orderBy.length === 0 && e.args.every(columnFree);
    case 'cast': return columnFree(e.arg);
    case 'case': return e.checks.every((c) => columnFree(c.when) && columnFree(c.then)) && columnFree(e.otherwise);
    default: return false;
  }
}

/** The value of a column-free numeric expression (`5`, `0.5`, `1 / 2`), or null. */
export function constantOf(e: Expr): number | null {
  if (!columnFree(e)) return null;
  const r = reach(e, () => undefined);
  return r !== undefined && r !== NULL && r[0] === r[1] ? r[0] : null;
}

const NUMERIC_CASTS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);

function reach(e: Expr, leaf: (c: ColumnNode) => Range | undefined): Reach | undefined {
  const sub = (x: Expr): Reach | undefined => reach(x, leaf);
  const all = (xs: readonly Expr[]): Reach[] | undefined => {
    const out: Reach[] = [];
    for (const x of xs) {
      const r = sub(x);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return out;
  };
  switch (e.kind) {
    case 'constant': {
      if (e.value.is_null) return NULL;
      const n = constantNumber(e.value);
      return n === null ? undefined : [n, n];
    }
    case 'column':
      return leaf(e);
    case 'cast': {
      if (e.tryCast || !NUMERIC_CASTS.has(e.target.id)) return undefined;
      const r = sub(e.arg);
      // Casts to integer types round; DECIMAL casts may round to their scale: widen by one either way.
      return r === undefined || r === NULL ? r : e.target.id === 'DOUBLE' || e.target.id === 'FLOAT' ? r : [Math.floor(r[0]) - 1, Math.ceil(r[1]) + 1];
    }
    case 'case':
      return hull(all([...e.checks.map((c) => c.then), e.otherwise]) ?? []) ?? undefined;
    case 'operator': {
      const args = e.op === 'OPERATOR_COALESCE' ? all(e.args) : undefined;
      return args ? hull(args) : undefined;
    }
    case 'function': {
      if (e.filter !== null || e.orderBy.length > 0 || e.distinct) return undefined;
      const args = all(e.args);
      if (!args) return undefined;
      if (args.some((a) => a === NULL)) {
        // Arithmetic and rounding of NULL are NULL; least/greatest/coalesce skip it.
        if (['least', 'greatest', 'coalesce', 'ifnull'].includes(e.name)) {
          const known = args.filter((a) => a !== NULL);
          return known.length === 0 ? NULL : e.name === 'coalesce' || e.name === 'ifnull' ? hull(args) : narrow(e.name, known as Range[]);
        }
        return NULL;
      }
      const rs = args as Range[];
      const out = narrow(e.name, rs, e.args);
      return out === undefined ? undefined : finite(out);
    }
    default:
      return undefined;
  }
}

function narrow(name: string, rs: readonly Range[], exprs?: readonly Expr[]): Range | undefined {
  const [a, b] = rs;
  switch (name) {
    case '+':
      if (rs.length === 1) return a;
      return rs.length === 2 ? [a![0] + b![0], a![1] + b![1]] : undefined;
    case '-':
      if (rs.length === 1) return [-a![1], -a![0]];
      return rs.length === 2 ? [a![0] - b![1], a![1] - b![0]] : undefined;
    case '*':
      return rs.length === 2 ? times(a!, b!) : undefined;
    case '/': {
      // Only by a non-zero constant, or by one column clamped to a declared range that excludes zero
      // (amount_due / area_m2): any computed divisor can be driven towards zero (1 / (kwh + 0.000001)).
      if (rs.length !== 2 || !exprs) return undefined;
      const byConstant = columnFree(exprs[1]!) && b![0] === b![1] && b![0] !== 0;
      const byColumn = exprs[1]!.kind === 'column' && (b![0] > 0 || b![1] < 0);
      if (!byConstant && !byColumn) return undefined;
      return times(a!, [1 / b![1], 1 / b![0]]);
    }
    case 'abs':
      if (rs.length !== 1) return undefined;
      return a![0] >= 0 ? a : a![1] <= 0 ? [-a![1], -a![0]] : [0, Math.max(-a![0], a![1])];
    case 'least':
      return rs.length >= 1 ? [Math.min(...rs.map((r) => r[0])), Math.min(...rs.map((r) => r[1]))] : undefined;
    case 'greatest':
      return rs.length >= 1 ? [Math.max(...rs.map((r) => r[0])), Math.max(...rs.map((r) => r[1]))] : undefined;
    case 'coalesce':
    case 'ifnull':
      return hull(rs) as Range | undefined;
    case 'floor':
      return rs.length === 1 ? monotone(a!, Math.floor) : undefined;
    case 'ceil':
    case 'ceiling':
      return rs.length === 1 ? monotone(a!, Math.ceil) : undefined;
    case 'round': {
      if (rs.length === 1) return [Math.floor(a![0]), Math.ceil(a![1])];
      // round(x, n): n a constant; the result lies within one unit of the n-th decimal of x.
      if (rs.length !== 2 || !exprs || !columnFree(exprs[1]!) || b![0] !== b![1] || !Number.isInteger(b![0]) || Math.abs(b![0]) > 15) return undefined;
      const unit = 10 ** -b![0];
      return [a![0] - unit, a![1] + unit];
    }
    case 'bucket': {
      // The sandbox macro: floor(x / width) * width, for a positive constant width.
      if (rs.length !== 2 || !exprs || !columnFree(exprs[1]!) || b![0] !== b![1] || !(b![0] > 0)) return undefined;
      const w = b![0];
      return [Math.floor(a![0] / w) * w, Math.floor(a![1] / w) * w];
    }
    default:
      return undefined;
  }
}

/**
 * The range of a numeric expression, given each column's range (undefined: unknown); undefined when the
 * expression is outside what interval arithmetic covers here or is only ever NULL.
 */
export function rangeOf(e: Expr, leaf: (c: ColumnNode) => Range | undefined): Range | undefined {
  const r = reach(e, leaf);
  return r === undefined || r === NULL ? undefined : finite(r);
}

/**
 * A range widened outward so that the exact (DECIMAL) arithmetic DuckDB does never falls outside the
 * double-precision bounds computed here; integral bounds are exact already.
 */
export function outward(r: Range): Range {
  const pad = (x: number): number => (Number.isInteger(x) ? 0 : Math.max(Math.abs(x) * 1e-9, 1e-12));
  return [r[0] - pad(r[0]), r[1] + pad(r[1])];
}
