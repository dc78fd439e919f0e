// A grammar-based SQL generator over the catalog: select lists of keys, aggregates, generalizations, masks and
// scalar functions; WHERE with comparisons, IN lists, LIKE, IS NULL and BETWEEN; joins on id_card; subqueries
// and CTEs. It draws every level of column (L1–L4) on purpose: most of what it writes must be refused, the
// rest answered with protection, and the fuzz suite checks that no answer carries an L4 value.
import type { Catalog } from '../../src/catalog/schema.ts';
import type { Prng } from './prng.ts';

export interface FuzzQuery {
  readonly sql: string;
  readonly mode: 'aggregate' | 'rows';
  /** Which production made it, for the campaign's tallies. */
  readonly shape: string;
}

type Base = 'VARCHAR' | 'DATE' | 'TIMESTAMP' | 'NUMBER' | 'BOOLEAN';

interface Col {
  readonly name: string;
  readonly base: Base;
  readonly level: string;
}

interface Table {
  readonly ref: string;
  readonly columns: readonly Col[];
}

const baseOf = (type: string): Base => {
  const t = type.toUpperCase();
  if (t.startsWith('VARCHAR')) return 'VARCHAR';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (t.startsWith('DATE')) return 'DATE';
  if (t.startsWith('BOOL')) return 'BOOLEAN';
  return 'NUMBER';
};

/** Strings that occur in the domain (so filters sometimes match) and some that never do. */
const STRINGS = ['龙沙区', '建华区', '铁锋区', '昂昂溪区', '富拉尔基区', '汉族', '达斡尔族', '满族', '男', '女', '职工', '居民', '1路', 'active', 'x', '', "o''brien", '%', '张'];
const LIKE_PATTERNS = ['%区', '龙%', '%', '_', '张%', '%1%', '2302%', '138%', 'A%'];

export class SqlGrammar {
  readonly #tables: readonly Table[];
  readonly #joinable: readonly Table[];
  readonly #r: Prng;

  constructor(catalog: Catalog, prng: Prng) {
    this.#tables = catalog.datasets.flatMap((d) =>
      d.tables.map((t) => ({ ref: `${d.id}.${t.name}`, columns: t.columns.map((c) => ({ name: c.name, base: baseOf(c.type), level: c.level })) })),
    );
    this.#joinable = this.#tables.filter((t) => t.columns.some((c) => c.name === 'id_card'));
    this.#r = prng;
  }

  next(): FuzzQuery {
    const r = this.#r;
    const mode = r.chance(0.15) ? 'rows' : 'aggregate';
    const shape = r.pick(['simple', 'simple', 'simple', 'join', 'subquery', 'derived', 'cte'] as const);
    const sql =
      shape === 'simple' ? this.#select(r.pick(this.#tables), mode)
      : shape === 'join' ? this.#join(mode)
      : shape === 'subquery' ? this.#subquery(mode)
      : shape === 'derived' ? this.#derived(mode)
      : this.#cte(mode);
    return { sql, mode, shape };
  }

  /** A literal of the column's type, sometimes of the wrong type (the compiler must refuse or coerce, never crash). */
  #literal(c: Col): string {
    const r = this.#r;
    if (r.chance(0.05)) return r.pick(['NULL', "'not a value'", '0', "DATE '2020-02-30'", '1e308', '-1']);
    switch (c.base) {
      case 'VARCHAR':
        return `'${r.pick(STRINGS)}'`;
      case 'DATE':
        return `DATE '${r.int(1930, 2025)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}'`;
      case 'TIMESTAMP':
        return `TIMESTAMP '2024-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')} ${String(r.int(0, 23)).padStart(2, '0')}:00:00'`;
      case 'BOOLEAN':
        return r.pick(['true', 'false']);
      case 'NUMBER':
        return String(r.pick([0, 1, 2, 10, 100, 1000, 2500.5, 99999]));
    }
  }

  #predicate(t: Table, q: string): string {
    const r = this.#r;
    const c = r.pick(t.columns);
    const col = `${q}${c.name}`;
    switch (r.int(0, 8)) {
      case 0:
        return `${col} ${r.pick(['=', '<>', '<', '<=', '>', '>=', '!='])} ${this.#literal(c)}`;
      case 8:
        return `${this.#risky(c, col)} ${r.pick(['=', '>', '<', '>='])} ${r.pick(['0', '1', "'1'", "'2024-01-01'", 'DATE \'2024-01-01\''])}`;
      case 1:
        return `${col} ${r.chance(0.2) ? 'NOT ' : ''}IN (${Array.from({ length: r.int(1, 4) }, () => this.#literal(c)).join(', ')})`;
      case 2:
        return c.base === 'VARCHAR' ? `${col} ${r.pick(['LIKE', 'NOT LIKE', 'ILIKE'])} '${r.pick(LIKE_PATTERNS)}'` : `${col} IS NOT NULL`;
      case 3:
        return `${col} IS ${r.chance(0.5) ? 'NOT ' : ''}NULL`;
      case 4: {
        const [a, b] = [this.#literal(c), this.#literal(c)];
        return `${col} ${r.chance(0.1) ? 'NOT ' : ''}BETWEEN ${a} AND ${b}`;
      }
      case 5:
        return `(${this.#predicate(t, q)} ${r.pick(['AND', 'OR'])} ${this.#predicate(t, q)})`;
      case 6:
        return `NOT (${this.#predicate(t, q)})`;
      default: {
        const g = this.#generalized(t, q);
        return g ? `${g} ${r.pick(['=', '>', '<'])} ${r.int(0, 2000)}` : `${col} IS NOT NULL`;
      }
    }
  }

  /**
   * An expression that DuckDB binds but that may raise at run time on some rows: casts that may not convert,
   * logarithms and roots out of their domain, integer overflow, out-of-range substrings and dates. Each must be
   * refused at compile time (or evaluate safely), never answered with a 500.
   */
  #risky(c: Col, col: string): string {
    const r = this.#r;
    const n = c.base === 'DATE' || c.base === 'TIMESTAMP' ? `year(${col})` : c.base === 'NUMBER' ? col : `length(${col})`;
    return r.pick([
      `CAST(${col} AS ${r.pick(['INTEGER', 'DATE', 'TIMESTAMP', 'DECIMAL(4,1)', 'BIGINT', 'BOOLEAN'])})`,
      `${col}::INTEGER`, `sqrt(${n} - 1000)`, `ln(${n})`, `log10(${n} - 2000)`, `log2(${n})`,
      `${n} * 9223372036854775807`, `${n} + 2147483647`, `abs(${n})`, `-${n}`,
      `${n} // 0`, `${n} % 0`, `${n} / 0`, `make_date(${n}, 13, 1)`, `substr(CAST(${col} AS VARCHAR), 1, 100000000000)`,
      `CASE WHEN ${col} IS NULL THEN 9223372036854775807 ELSE 0 END + 1`, `coalesce(${col}, 0)`, `greatest(${col}, 'x')`,
      `year(${col}) * 10000000000000000`, `epoch(${col}) * epoch(${col})`, `${col} + INTERVAL 1000000000 YEAR`,
    ]);
  }

  /** A generalization of a date/time/number column, or undefined when the table has none of those. */
  #generalized(t: Table, q: string): string | undefined {
    const r = this.#r;
    const dates = t.columns.filter((c) => c.base === 'DATE' || c.base === 'TIMESTAMP');
    const nums = t.columns.filter((c) => c.base === 'NUMBER');
    if (dates.length > 0 && (nums.length === 0 || r.chance(0.6))) {
      const c = r.pick(dates);
      const col = `${q}${c.name}`;
      return r.pick([
        `year(${col})`, `quarter(${col})`, `month(${col})`, `dayofweek(${col})`, `isodow(${col})`,
        `date_trunc('${r.pick(['month', 'year', 'decade', 'day', 'week', 'quarter'])}', ${col})`,
        `age_band(${col}, ${r.pick([5, 10, 20, 0, -1, 1])})`,
        ...(c.base === 'TIMESTAMP' ? [`hour(${col})`] : []),
      ]);
    }
    if (nums.length > 0) return `bucket(${q}${r.pick(nums).name}, ${r.pick([10, 100, 1000, 0.5, 0])})`;
    return undefined;
  }

  #aggregate(t: Table, q: string): string {
    const r = this.#r;
    const c = r.pick(t.columns);
    const col = `${q}${c.name}`;
    return r.pick([
      'count(*)', 'count(*)', `count(${col})`, `count(DISTINCT ${col})`,
      `sum(${col})`, `avg(${col})`, `min(${col})`, `max(${col})`, `median(${col})`, `stddev(${col})`,
      `quantile_cont(${col}, 0.5)`, `string_agg(${col}, ',')`, `mode(${col})`, `arg_max(${col}, ${q}${r.pick(t.columns).name})`,
      `list(${col})`, `any_value(${col})`, `sum(CASE WHEN ${this.#predicate(t, q)} THEN 1 ELSE 0 END)`,
    ]);
  }

  /** A select-list item that is (or may be) a group key. */
  #key(t: Table, q: string): string {
    const r = this.#r;
    const c = r.pick(t.columns);
    const col = `${q}${c.name}`;
    switch (r.int(0, 5)) {
      case 0:
      case 1:
        return col;
      case 2:
        return this.#generalized(t, q) ?? col;
      case 3:
        return r.pick([`mask(${col})`, `pseudonym(${col})`]);
      case 4:
        return r.chance(0.3)
          ? this.#risky(c, col)
          : r.pick([`lower(${col})`, `upper(${col})`, `substr(${col}, 1, ${r.int(1, 6)})`, `length(${col})`, `coalesce(${col}, ${this.#literal(c)})`, `left(${col}, 3)`, `md5(${col})`]);
      default:
        return `CAST(${col} AS VARCHAR)`;
    }
  }

  #select(t: Table, mode: 'aggregate' | 'rows', q = '', from = t.ref + (q ? ` ${q.slice(0, -1)}` : '')): string {
    const r = this.#r;
    const keys = Array.from({ length: r.int(0, 3) }, () => this.#key(t, q));
    const aggs = mode === 'rows' && r.chance(0.8) ? [] : Array.from({ length: r.int(keys.length === 0 ? 1 : 0, 2) }, () => this.#aggregate(t, q));
    const items = [...keys, ...aggs].map((e, i) => (r.chance(0.4) ? `${e} AS c${i}` : e));
    let sql = `SELECT ${r.chance(0.05) ? 'DISTINCT ' : ''}${items.join(', ')} FROM ${from}`;
    if (r.chance(0.5)) sql += ` WHERE ${this.#predicate(t, q)}`;
    if (aggs.length > 0 && keys.length > 0) sql += ` GROUP BY ${r.chance(0.5) ? keys.map((_, i) => i + 1).join(', ') : keys.join(', ')}`;
    if (aggs.length > 0 && r.chance(0.15)) sql += ` HAVING count(*) ${r.pick(['>', '>=', '<', '='])} ${r.int(0, 20)}`;
    if (r.chance(0.2)) sql += ` ORDER BY 1${r.chance(0.5) ? ' DESC' : ''}`;
    if (r.chance(0.15)) sql += ` LIMIT ${r.pick([1, 5, 100, 0])}`;
    return sql;
  }

  #join(mode: 'aggregate' | 'rows'): string {
    const r = this.#r;
    const [a, b] = r.some(this.#joinable, 2);
    if (!a || !b) return this.#select(r.pick(this.#tables), mode);
    const both: Table = { ref: a.ref, columns: [...a.columns.map((c) => ({ ...c, name: `a.${c.name}` })), ...b.columns.map((c) => ({ ...c, name: `b.${c.name}` }))] };
    const kind = r.pick(['JOIN', 'INNER JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'CROSS JOIN']);
    const on = kind === 'CROSS JOIN' ? '' : r.chance(0.85) ? ' ON a.id_card = b.id_card' : ` ON a.${r.pick(a.columns).name} = b.${r.pick(b.columns).name}`;
    return this.#select(both, mode, '', `${a.ref} a ${kind} ${b.ref} b${on}`);
  }

  #subquery(mode: 'aggregate' | 'rows'): string {
    const r = this.#r;
    const t = r.pick(this.#tables);
    const inner = r.pick(this.#tables);
    const c = r.pick(t.columns);
    const ic = r.pick(inner.columns);
    const sub = r.chance(0.3)
      ? `EXISTS (SELECT 1 FROM ${inner.ref} i WHERE ${this.#predicate(inner, 'i.')})`
      : `${c.name} ${r.chance(0.2) ? 'NOT ' : ''}IN (SELECT ${ic.name} FROM ${inner.ref}${r.chance(0.6) ? ` WHERE ${this.#predicate(inner, '')}` : ''})`;
    const outer = this.#select(t, mode);
    return outer.includes(' WHERE ') ? outer.replace(' WHERE ', ` WHERE ${sub} AND `) : outer.replace(` FROM ${t.ref}`, ` FROM ${t.ref} WHERE ${sub}`);
  }

  /** An inner select of some columns (possibly renamed), and an outer aggregate over it. */
  #inner(t: Table): { sql: string; view: Table } {
    const r = this.#r;
    const cols = r.some(t.columns, r.int(1, 4));
    const renamed = cols.map((c, i) => ({ ...c, name: r.chance(0.3) ? `x${i}` : c.name }));
    const items = cols.map((c, i) => (renamed[i]!.name === c.name ? c.name : `${c.name} AS ${renamed[i]!.name}`));
    const where = r.chance(0.5) ? ` WHERE ${this.#predicate(t, '')}` : '';
    return { sql: `SELECT ${items.join(', ')} FROM ${t.ref}${where}`, view: { ref: 's', columns: renamed } };
  }

  #derived(mode: 'aggregate' | 'rows'): string {
    const { sql, view } = this.#inner(this.#r.pick(this.#tables));
    return this.#select(view, mode, '', `(${sql}) s`);
  }

  #cte(mode: 'aggregate' | 'rows'): string {
    const { sql, view } = this.#inner(this.#r.pick(this.#tables));
    return `WITH s AS (${sql}) ${this.#select(view, mode, '', 's')}`;
  }
}
