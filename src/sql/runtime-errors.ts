// Finds, in DuckDB's bound plan, every expression whose evaluation could raise an error at run time: a cast
// that may not convert (a column compared with a literal of another type, `district IN (0)`), a logarithm
// or square root of a value that may be out of domain, integer arithmetic that may overflow. Such an error
// is raised or not depending on the rows a query reaches, so it is a side channel (ATTACKS.md) as well as a
// 500: the compiler refuses the query instead. Casts of string constants are data-independent, but whether
// they convert is DuckDB's to say: they are returned for the compiler to verify (SqlCompiler.castsConvert).
import { isObject, type Json, type JsonObject } from './duckdb-json.ts';

export type RuntimeRisk = 'TYPE_MISMATCH' | 'RUNTIME_ERROR';

/** A string constant cast to a type, verified by DuckDB before the query is accepted. */
export interface ConstantCast {
  readonly value: string;
  /** The target type in SQL, from a closed list of spellings (never caller text). */
  readonly target: string;
}

export interface RuntimeFinding {
  readonly risks: ReadonlySet<RuntimeRisk>;
  readonly constantCasts: readonly ConstantCast[];
}

interface SqlType {
  readonly id: string;
  readonly width?: number;
  readonly scale?: number;
}

/** Integer types and the largest magnitude each holds (the signed minimum is one further: INT_MIN). */
const INTEGER_MAX: Readonly<Record<string, number>> = {
  TINYINT: 127, SMALLINT: 32767, INTEGER: 2 ** 31 - 1, BIGINT: 2 ** 63 - 1, HUGEINT: 2 ** 127 - 1,
  UTINYINT: 255, USMALLINT: 65535, UINTEGER: 2 ** 32 - 1, UBIGINT: 2 ** 64 - 1,
};
const UNSIGNED = new Set(['UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const FLOATS = new Set(['FLOAT', 'DOUBLE']);
const TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

/** SQL spellings of the target types a string constant may be verified against. */
const TARGET_SQL: Readonly<Record<string, string>> = {
  BOOLEAN: 'BOOLEAN', TINYINT: 'TINYINT', SMALLINT: 'SMALLINT', INTEGER: 'INTEGER', BIGINT: 'BIGINT', HUGEINT: 'HUGEINT',
  UTINYINT: 'UTINYINT', USMALLINT: 'USMALLINT', UINTEGER: 'UINTEGER', UBIGINT: 'UBIGINT', FLOAT: 'FLOAT', DOUBLE: 'DOUBLE',
  DATE: 'DATE', TIME: 'TIME', TIMESTAMP: 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ', INTERVAL: 'INTERVAL',
};

/**
 * Largest |value| of a count over one table or join: far above any domain this service holds (a table of a
 * trillion rows would not fit the sandbox's memory), so `count(*) * 100` is accepted and a count multiplied
 * by an attacker's 9e18 is not.
 */
const COUNT_MAX = 2 ** 40;
/** Largest |value| of a date part other than epoch: DuckDB's years stop at ±5,877,642. */
const PART_MAX = 1e7;
/** Largest |epoch| in seconds of a DuckDB DATE or TIMESTAMP. */
const EPOCH_MAX = 2e14;
/** date_part units whose value stays within PART_MAX. */
const SMALL_PARTS = new Set([
  'year', 'quarter', 'month', 'week', 'day', 'dayofweek', 'isodow', 'dow', 'dayofyear', 'doy', 'hour', 'minute', 'second',
  'decade', 'century', 'millennium', 'yearweek', 'isoyear', 'weekday', 'weekofyear', 'era',
]);
const SMALL_PART_FUNCTIONS = new Set([
  'year', 'quarter', 'month', 'week', 'weekofyear', 'day', 'dayofmonth', 'dayofweek', 'isodow', 'dayofyear', 'hour',
  'minute', 'second', 'decade', 'century', 'millennium', 'yearweek', 'isoyear', 'weekday', 'era',
]);

/** Largest |date_diff| per unit between two DuckDB dates (±5.9 million years apart at most). */
const DIFF_MAX: Readonly<Record<string, number>> = {
  millennium: 2e4, century: 2e5, decade: 2e6, year: 2e7, quarter: 1e8, month: 2e8, week: 1e9, day: 5e9,
};
/** The largest number of days a date may be shifted by with + or - (about 2,700 years). */
const DAY_SHIFT_MAX = 1e6;
const ROUNDING = new Set(['floor', 'ceil', 'ceiling', 'round', 'trunc']);

/** Functions DuckDB lets raise on values outside their domain (negative or zero logarithm, bad date parts). */
const DOMAIN_ERRORS = new Set(['sqrt', 'ln', 'log', 'log10', 'log2', 'make_date', 'make_timestamp', 'make_time']);
/** Arithmetic DuckDB checks for overflow (and raises on it). */
const CHECKED_ARITHMETIC = new Set(['+', '-', '*', 'abs', '//', '%', 'add', 'subtract', 'multiply']);
/** substring's length argument must stay under 2^32. */
const SUBSTRING = new Set(['substring', 'substr']);
const SUBSTRING_MAX = 2 ** 32 - 1;

function typeOf(j: Json | undefined): SqlType | null {
  if (!isObject(j) || typeof j['id'] !== 'string') return null;
  const info = j['type_info'];
  if (isObject(info) && typeof info['width'] === 'number' && typeof info['scale'] === 'number') {
    return { id: j['id'], width: info['width'], scale: info['scale'] };
  }
  return { id: j['id'] };
}

const sameType = (a: SqlType, b: SqlType): boolean => a.id === b.id && a.width === b.width && a.scale === b.scale;

/** Decimal digits left of the point that an integer type may need. */
const integerDigits = (id: string): number => String(Math.floor(INTEGER_MAX[id]!)).length;

/** Whether casting any value of `from` to `to` always succeeds. */
export function castIsTotal(from: SqlType, to: SqlType): boolean {
  if (sameType(from, to) || to.id === 'VARCHAR' || from.id === 'SQLNULL') return true;
  if (from.id === 'BOOLEAN') return to.id in INTEGER_MAX || FLOATS.has(to.id) || (to.id === 'DECIMAL' && to.width! - to.scale! >= 1);
  if (from.id in INTEGER_MAX) {
    if (FLOATS.has(to.id)) return true;
    if (to.id in INTEGER_MAX) {
      if (UNSIGNED.has(to.id) !== UNSIGNED.has(from.id)) return false;
      return INTEGER_MAX[to.id]! >= INTEGER_MAX[from.id]!;
    }
    if (to.id === 'DECIMAL') return to.width! - to.scale! >= integerDigits(from.id);
    return false;
  }
  if (from.id === 'DECIMAL') {
    const digits = from.width! - from.scale!;
    if (FLOATS.has(to.id)) return true;
    // Rounding away the scale can add a digit (9.5 → 10): the target needs one more integer digit.
    if (to.id in INTEGER_MAX && !UNSIGNED.has(to.id)) return integerDigits(to.id) - 1 > digits;
    if (to.id === 'DECIMAL') return to.width! - to.scale! > digits || (to.width! - to.scale! === digits && to.scale! >= from.scale!);
    return false;
  }
  if (from.id === 'FLOAT') return to.id === 'DOUBLE';
  // Dates beyond the year 294,247 do not fit a TIMESTAMP: the catalog's dates are calendar dates of living
  // people, enterprises and bills (the generator writes years 1900-2100), so the widening is total on the domain.
  if (from.id === 'DATE') return TIMESTAMPS.has(to.id);
  if (TIMESTAMPS.has(from.id)) return to.id === 'DATE' || to.id === 'TIME' || (TIMESTAMPS.has(to.id) && to.id !== 'TIMESTAMP_S' && to.id !== 'TIMESTAMP_MS');
  return false;
}

const CALENDAR = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/;

/**
 * The usual spellings of dates and timestamps ('2024-01-01', '2024-01-01 08:30:00') that are valid calendar
 * values convert without asking DuckDB; anything else is verified by DuckDB's own conversion.
 */
export function isCalendarLiteral(value: string, target: string): boolean {
  const m = CALENDAR.exec(value);
  if (!m || (target !== 'DATE' && target !== 'TIMESTAMP') || (target === 'DATE' && m[4] !== undefined)) return false;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as number[];
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! < 24 && mi! < 60 && sec! < 60;
}

/** The numeric value of a constant, decimals unscaled; null for non-numbers. */
function constantNumber(c: JsonObject): number | null {
  const v = c['value'];
  if (!isObject(v) || v['is_null'] === true) return null;
  const t = typeOf(v['type']);
  const raw = v['value'];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!t || !Number.isFinite(n)) return null;
  return t.id === 'DECIMAL' ? n / 10 ** t.scale! : n;
}

/** The value of a constant, looking through casts of it (strings when `text`). */
function constantValue(j: Json | undefined, text = false): number | string | null {
  if (!isObject(j)) return null;
  if (j['expression_class'] === 'BOUND_CAST') return constantValue(j['child'], text);
  if (j['expression_class'] !== 'BOUND_CONSTANT') return null;
  if (text) return isObject(j['value']) && typeof j['value']['value'] === 'string' ? j['value']['value'] : null;
  return constantNumber(j);
}

/** Largest magnitude a target numeric type holds, or null when it is not a bounded numeric type. */
function typeMax(t: SqlType): number | null {
  if (t.id in INTEGER_MAX) return INTEGER_MAX[t.id]!;
  // The largest DECIMAL(w, s) is 10^(w-s) - 10^-s.
  if (t.id === 'DECIMAL') return 10 ** (t.width! - t.scale!) - 10 ** -t.scale!;
  return null;
}

/**
 * Whether a value of magnitude at most `m` fits under `max`. Doubles are exact below 2^53; above it (BIGINT,
 * HUGEINT) a bound that close to the limit cannot be told from an overflow, so it does not fit.
 */
const fits = (m: number, max: number): boolean => (max < 2 ** 53 ? m <= max : m < max * (1 - 1e-9));

/**
 * Walks the plan's operators; each expression is checked, and magnitudes of integer values are bounded
 * through the operator tree (BOUND_REF n is the n-th output of the operator's child).
 */
export function findRuntimeRisks(plan: Json): RuntimeFinding {
  const risks = new Set<RuntimeRisk>();
  const constantCasts: ConstantCast[] = [];

  /** The output expressions of an operator, each with the operator its references resolve in. */
  const outputsOf = (op: Json | undefined): { expr: Json; from: Json | undefined }[] | null => {
    if (!isObject(op)) return null;
    const child = Array.isArray(op['children']) ? op['children'][0] : undefined;
    switch (op['type']) {
      case 'LOGICAL_PROJECTION':
        return Array.isArray(op['expressions']) ? op['expressions'].map((expr) => ({ expr, from: child })) : null;
      case 'LOGICAL_AGGREGATE_AND_GROUP_BY': {
        const groups = Array.isArray(op['groups']) ? op['groups'] : [];
        const aggs = Array.isArray(op['expressions']) ? op['expressions'] : [];
        return [...groups, ...aggs].map((expr) => ({ expr, from: child }));
      }
      case 'LOGICAL_FILTER':
        return Array.isArray(op['projection_map']) && op['projection_map'].length > 0 ? null : outputsOf(child);
      case 'LOGICAL_ORDER_BY':
      case 'LOGICAL_LIMIT':
      case 'LOGICAL_TOP_N':
        return outputsOf(child);
      default:
        return null;
    }
  };

  const magnitudes = new Map<JsonObject, number>();
  /** An upper bound of |value| of an expression evaluated over the outputs of `from` (Infinity: unknown). */
  const magnitude = (e: Json | undefined, from: Json | undefined, depth = 0): number => {
    if (!isObject(e) || depth > 200) return Infinity;
    const cached = magnitudes.get(e);
    if (cached !== undefined) return cached;
    const m = Math.min(magnitudeOf(e, from, depth), typeMax(typeOf(e['return_type']) ?? { id: '' }) ?? Infinity);
    magnitudes.set(e, m);
    return m;
  };
  const magnitudeOf = (e: JsonObject, from: Json | undefined, depth: number): number => {
    const kids = Array.isArray(e['children']) ? e['children'] : [];
    const kid = (i: number): number => magnitude(kids[i], from, depth + 1);
    const all = (): number => Math.max(0, ...kids.map((_, i) => kid(i)));
    switch (e['expression_class']) {
      case 'BOUND_CONSTANT': {
        const n = constantNumber(e);
        return n === null ? (isObject(e['value']) && e['value']['is_null'] === true ? 0 : Infinity) : Math.abs(n);
      }
      case 'BOUND_REF': {
        const outs = outputsOf(from);
        const i = e['index'];
        const out = typeof i === 'number' ? outs?.[i] : undefined;
        return out ? magnitude(out.expr, out.from, depth + 1) : Infinity;
      }
      case 'BOUND_CAST': {
        const src = typeOf(isObject(e['child']) ? (e['child']['return_type'] ?? (isObject(e['child']['value']) ? e['child']['value']['type'] : undefined)) : undefined);
        if (src?.id === 'BOOLEAN') return 1;
        if (src && (src.id in INTEGER_MAX || src.id === 'DECIMAL')) return Math.min(magnitude(e['child'], from, depth + 1), typeMax(src)!);
        // A float rounds to the nearest integer: one more unit at most.
        if (src && FLOATS.has(src.id)) return magnitude(e['child'], from, depth + 1) + 1;
        return Infinity;
      }
      case 'BOUND_CASE': {
        const checks = Array.isArray(e['case_checks']) ? e['case_checks'] : [];
        const thens = checks.map((c) => (isObject(c) ? magnitude(c['then_expr'], from, depth + 1) : Infinity));
        return Math.max(magnitude(e['else_expr'], from, depth + 1), ...thens);
      }
      case 'BOUND_OPERATOR':
        return e['type'] === 'OPERATOR_COALESCE' ? all() : Infinity;
      case 'BOUND_AGGREGATE': {
        const name = e['name'];
        if (name === 'count' || name === 'count_star') return COUNT_MAX;
        return name === 'min' || name === 'max' ? all() : Infinity;
      }
      case 'BOUND_FUNCTION': {
        const name = String(e['name']);
        const kidType = (i: number): string | undefined => (isObject(kids[i]) ? typeOf(kids[i]['return_type'])?.id : undefined);
        // date - date is a number of days, within DuckDB's date range.
        if ((name === '-' || name === 'subtract') && kidType(0) === 'DATE' && kidType(1) === 'DATE') return DIFF_MAX['day']!;
        if (name === '+' || name === '-' || name === 'add' || name === 'subtract') return kids.length === 1 ? kid(0) : kid(0) + kid(1);
        if (name === '*' || name === 'multiply') return kid(0) * kid(1);
        // |INT_MIN| is one more than INT_MAX: abs and // of it overflow; a DECIMAL is symmetric.
        if (name === 'abs' || name === '//' || name === '%') return typeOf(e['return_type'])?.id === 'DECIMAL' ? kid(0) : kid(0) + 1;
        if (['greatest', 'least', 'coalesce', 'ifnull', 'nullif'].includes(name)) return all();
        if (name === 'sign') return 1;
        if (name === '/') {
          const divisor = constantValue(kids[1]);
          return typeof divisor === 'number' && Math.abs(divisor) >= 1 ? kid(0) : Infinity;
        }
        if (ROUNDING.has(name)) return kid(0) + 1;
        if (name === 'date_diff' || name === 'datediff') {
          const unit = constantValue(kids[0], true);
          return typeof unit === 'string' ? (DIFF_MAX[unit.toLowerCase()] ?? Infinity) : Infinity;
        }
        if (SMALL_PART_FUNCTIONS.has(name)) return PART_MAX;
        if (name === 'epoch') return EPOCH_MAX;
        if (name === 'length' || name === 'strlen') return SUBSTRING_MAX;
        if (name === 'date_part' || name === 'datepart') {
          const unit = isObject(kids[0]) && isObject(kids[0]['value']) ? kids[0]['value']['value'] : null;
          return typeof unit === 'string' && SMALL_PARTS.has(unit.toLowerCase()) ? PART_MAX : Infinity;
        }
        return Infinity;
      }
      default:
        return Infinity;
    }
  };

  const checkCast = (e: JsonObject, fromOp: Json | undefined): void => {
    if (e['try_cast'] === true) return;
    const child = e['child'];
    const to = typeOf(e['return_type']);
    if (!isObject(child) || !to) return void risks.add('TYPE_MISMATCH');
    if (child['expression_class'] === 'BOUND_CONSTANT') {
      const v = child['value'];
      if (!isObject(v) || v['is_null'] === true) return;
      const from = typeOf(v['type']);
      if (!from) return void risks.add('TYPE_MISMATCH');
      if (castIsTotal(from, to)) return;
      if (from.id === 'VARCHAR' && typeof v['value'] === 'string') {
        if (isCalendarLiteral(v['value'], to.id)) return;
        const target = to.id === 'DECIMAL' ? `DECIMAL(${Math.trunc(to.width!)}, ${Math.trunc(to.scale!)})` : TARGET_SQL[to.id];
        if (target) return void constantCasts.push({ value: v['value'], target });
        return void risks.add('TYPE_MISMATCH');
      }
      const n = constantNumber(child);
      const max = typeMax(to);
      if (n !== null && (FLOATS.has(to.id) || (max !== null && Math.abs(n) < max && !(UNSIGNED.has(to.id) && n < 0)))) {
        // A fractional constant cast to an integer rounds; a DECIMAL target must also keep its scale.
        if (to.id !== 'DECIMAL' || Math.abs(n) < 10 ** (to.width! - to.scale!) - 1) return;
      }
      return void risks.add('TYPE_MISMATCH');
    }
    const from = typeOf(child['return_type']);
    if (from && castIsTotal(from, to)) return;
    // A number narrowed to an integer or DECIMAL type fits when its magnitude is known to (age_band's
    // CAST(floor(years / width) * width AS INTEGER)).
    const max = to ? typeMax(to) : null;
    const numeric = from !== null && (from.id in INTEGER_MAX || from.id === 'DECIMAL' || FLOATS.has(from.id));
    if (numeric && max !== null && !UNSIGNED.has(to.id) && fits(magnitude(child, fromOp) + 1, max)) return;
    risks.add('TYPE_MISMATCH');
  };

  const isConstant = (j: Json | undefined): boolean =>
    isObject(j) && (j['expression_class'] === 'BOUND_CONSTANT' || (j['expression_class'] === 'BOUND_CAST' && isConstant(j['child'])));

  const checkFunction = (e: JsonObject, from: Json | undefined): void => {
    const name = String(e['name']);
    const kids = Array.isArray(e['children']) ? e['children'] : [];
    if (DOMAIN_ERRORS.has(name)) return void risks.add('RUNTIME_ERROR');
    if (SUBSTRING.has(name) && kids.length >= 3) {
      if (!isConstant(kids[2]) || magnitude(kids[2], from) >= SUBSTRING_MAX) risks.add('RUNTIME_ERROR');
      return;
    }
    if (!CHECKED_ARITHMETIC.has(name)) return;
    const t = typeOf(e['return_type']);
    if (!t) return void risks.add('RUNTIME_ERROR');
    // DuckDB says itself when DECIMAL arithmetic cannot overflow (the result type is wide enough).
    const fd = e['function_data'];
    if (t.id === 'DECIMAL' && isObject(fd) && fd['check_overflow'] === false) return;
    if (t.id === 'DATE' || TIMESTAMPS.has(t.id)) {
      // date ± days: the catalog's dates are calendar dates (see castIsTotal), so a shift of under DAY_SHIFT_MAX
      // days stays inside DuckDB's ±5.8 million years; `d + 2147483647` does not.
      const shifts = kids.filter((k) => { const kt = isObject(k) ? typeOf(k['return_type'] ?? (isObject(k['value']) ? k['value']['type'] : undefined)) : null; return kt !== null && kt.id in INTEGER_MAX; });
      if (shifts.some((k) => !(magnitude(k, from) <= DAY_SHIFT_MAX))) risks.add('RUNTIME_ERROR');
      return;
    }
    const max = typeMax(t);
    if (max === null) return; // DOUBLE and intervals: infinities, never an overflow error here
    if (!fits(magnitudeOf(e, from, 0), max)) risks.add('RUNTIME_ERROR');
  };

  /** Checks every expression under `node`, whose references resolve in `from`. */
  const visitExpr = (node: Json, from: Json | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => visitExpr(n, from));
    if (!isObject(node)) return;
    if (node['expression_class'] === 'BOUND_CAST') checkCast(node, from);
    if (node['expression_class'] === 'BOUND_FUNCTION') checkFunction(node, from);
    for (const [k, v] of Object.entries(node)) if (k !== 'return_type' && typeof v === 'object' && v !== null) visitExpr(v, from);
  };

  const visitOperator = (op: Json): void => {
    if (Array.isArray(op)) return op.forEach(visitOperator);
    if (!isObject(op)) return;
    const children = Array.isArray(op['children']) ? op['children'] : [];
    const child = children[0];
    for (const [k, v] of Object.entries(op)) {
      if (k === 'children' || typeof v !== 'object' || v === null) continue;
      // A join's conditions see both sides: magnitudes through them are unknown (Infinity), the checks still run.
      visitExpr(v, children.length === 1 ? child : undefined);
    }
    children.forEach(visitOperator);
  };

  if (isObject(plan) && Array.isArray(plan['plans'])) visitOperator(plan['plans']);
  else risks.add('TYPE_MISMATCH');
  return { risks, constantCasts };
}
