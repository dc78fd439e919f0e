// Resolution and analysis of a converted query: builds scopes (CTEs, derived tables, joins, IN subqueries),
// resolves every column to a catalog column, computes provenance for every expression, records input
// usage for lineage, and applies the grading rules (src/policy/checks.ts) as it goes. It never stops at
// the first problem: every violation found is collected.
import type { Catalog } from '../catalog/schema.ts';
import type { Policy } from '../policy/schema.ts';
import type { Mode, Usage } from './compiled.ts';
import type { ColumnNode, CteNode, Expr, FromNode, SelectNode } from './ast.ts';
import { childExprs } from './ast.ts';
import { ViolationList } from '../policy/rules.ts';
import { classifyFunction, isCoarseTruncUnit, isGeneralizingPart, safeFunctionName } from '../policy/functions.ts';
import {
  CONSTANT_PROV, aggregate, allSources, carriesL3, columnProv, combine, generalize, lift, type BaseColumn, type LiftContext, type Prov,
} from './provenance.ts';
import { BUCKET_RESOLUTION, constantOf, outward, rangeOf, type Range } from './interval.ts';
import { Scope, type Source, type SourceColumnEntry } from './scope.ts';
import {
  checkAggregate, checkCaseConditions, checkFilter, checkGroupKey, checkJoinCondition, checkOutput, checkUsingColumns, isConstant, type Checked,
} from '../policy/checks.ts';

export interface ReleaseOutput {
  readonly index: number;
  readonly name: string;
  readonly expr: Expr;
  readonly prov: Prov;
  /** Rows mode: mask()/pseudonym() around a bare column. */
  readonly protect: { readonly method: 'mask' | 'pseudonym'; readonly column: BaseColumn; readonly arg: Expr } | null;
}

/** A clamp the rewrite puts around an expression (src/sql/clamp.ts), optionally over DOUBLE. */
export interface Clamp {
  readonly range: Range;
  /**
   * Cast the clamped value to DOUBLE: inside compound expressions over L3 values, so that integer and
   * DECIMAL arithmetic cannot overflow and raise an error that depends on the data.
   */
  readonly double: boolean;
}

export interface Analysis {
  readonly violations: ViolationList;
  readonly root: SelectNode;
  readonly outputs: readonly ReleaseOutput[];
  /** Privacy-unit expressions in the root scope (one per personal table instance in the release FROM). */
  readonly rootUnits: readonly Expr[];
  /** Unit items to append to derived selects so that the root can count units through them. */
  readonly unitItems: ReadonlyMap<SelectNode, readonly Expr[]>;
  /**
   * Inside ordinary aggregates over L3 values: every column with a known range (declared bounds, per-unit
   * bounds), and the whole argument when it is an expression, with the range derived for it.
   */
  readonly clamps: ReadonlyMap<Expr, Clamp>;
  readonly inputs: ReadonlyMap<string, { readonly base: BaseColumn; readonly usage: Set<Usage> }>;
  /** Every catalog column the analysis resolved (the plan check's allowance). */
  readonly accounted: ReadonlySet<string>;
  readonly datasets: ReadonlySet<string>;
  readonly tables: ReadonlySet<string>;
  /** Catalog columns the caller's own column references resolved to (for the second reader). */
  readonly referenced: ReadonlySet<string>;
  readonly starUsed: boolean;
  /** Every alias, CTE name and output name in the query, lower case (for the second reader). */
  readonly names: ReadonlySet<string>;
}

interface SelectInfo {
  readonly outputs: readonly SourceColumnEntry[];
  readonly order: readonly string[];
  readonly units: readonly Expr[];
  readonly personalTables: readonly string[];
}

type Role = 'release' | 'derived' | 'in_subquery';

interface ExprCtx {
  readonly scope: Scope;
  readonly usage: Usage;
  readonly inAggregate: boolean;
  /** Select-list aliases visible in this clause (GROUP BY, HAVING, ORDER BY, WHERE). */
  readonly aliases: ReadonlyMap<string, Prov> | null;
}

const unitName = (n: number): string => `__dsbx_unit_${n}`;
const col = (names: string[]): ColumnNode => ({ kind: 'column', names, pos: 0, alias: '' });

export class Analyser {
  readonly violations = new ViolationList();
  private readonly inputs = new Map<string, { base: BaseColumn; usage: Set<Usage> }>();
  private readonly accounted = new Set<string>();
  private readonly referenced = new Set<string>();
  private starUsed = false;
  private readonly names = new Set<string>();
  private readonly clamps = new Map<Expr, Clamp>();
  private readonly unitItems = new Map<SelectNode, Expr[]>();
  private readonly provs = new Map<Expr, Prov>();
  private readonly datasets = new Set<string>();
  private readonly tables = new Set<string>();
  private readonly unitSemantics = new Set<string>();
  private readonly cteInfos = new Map<SelectNode, SelectInfo>();
  private unitCounter = 0;
  private outputs: ReleaseOutput[] = [];
  private rootUnits: readonly Expr[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly policy: Policy,
    private readonly mode: Mode,
  ) {}

  analyse(root: SelectNode): Analysis {
    const info = this.select(root, 'release', new Map());
    this.rootUnits = info.units;
    if (this.unitSemantics.size > 1) this.violations.add('PRIVACY_UNIT_MISMATCH');
    return {
      violations: this.violations, root, outputs: this.outputs, rootUnits: this.rootUnits, unitItems: this.unitItems,
      clamps: this.clamps, inputs: this.inputs, accounted: this.accounted, datasets: this.datasets, tables: this.tables,
      referenced: this.referenced, starUsed: this.starUsed, names: this.names,
    };
  }

  private report(c: Checked): void {
    for (const x of c) this.violations.add(x.rule, x.at);
  }

  private use(prov: Prov, usage: Usage): void {
    for (const s of allSources(prov)) {
      let entry = this.inputs.get(s.base.key);
      if (!entry) this.inputs.set(s.base.key, (entry = { base: s.base, usage: new Set() }));
      entry.usage.add(usage);
    }
  }

  // ---- FROM -------------------------------------------------------------------------------------

  private source(f: FromNode, ctes: ReadonlyMap<string, CteNode>, out: Source[], using: Set<string>): void {
    if (f.kind === 'join') {
      this.source(f.left, ctes, out, using);
      this.source(f.right, ctes, out, using);
      for (const u of f.using) using.add(u.toLowerCase());
      return;
    }
    if (f.alias) this.names.add(f.alias.toLowerCase());
    if (f.kind === 'derived') {
      f.columnAliases.forEach((a) => this.names.add(a.toLowerCase()));
      const info = this.select(f.query, 'derived', ctes);
      out.push(this.derivedSource(f.alias.toLowerCase(), info, f.columnAliases, f.query));
      return;
    }
    const name = f.table.toLowerCase();
    if (f.schema === '' && ctes.has(name)) {
      const cte = ctes.get(name)!;
      const body = cte.query;
      let info = this.cteInfos.get(body);
      if (!info) {
        // A CTE sees the CTEs defined before it, not itself (recursion is refused by the converter).
        const visible = new Map(ctes);
        visible.delete(name);
        this.cteInfos.set(body, (info = this.select(body, 'derived', visible)));
      }
      out.push(this.derivedSource((f.alias || f.table).toLowerCase(), info, cte.columnAliases, body));
      return;
    }
    const entry = f.schema === '' ? undefined : this.catalog.table(f.schema, f.table);
    if (!entry) {
      this.violations.add('UNKNOWN_TABLE', { position: f.pos });
      // DuckDB reads a file for an unknown name that looks like a path (replacement scans): say so too.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.table)) this.violations.add('STRING_AS_TABLE', { position: f.pos });
      return;
    }
    const { dataset, table } = entry;
    const columns = new Map<string, SourceColumnEntry>();
    for (const c of table.columns) {
      const base: BaseColumn = { key: `${dataset.id}.${table.name}.${c.name}`, dataset, table, column: c };
      columns.set(c.name, { name: c.name, prov: columnProv(base) });
    }
    const alias = (f.alias || table.name).toLowerCase();
    const tableKey = `${dataset.id}.${table.name}`;
    this.datasets.add(dataset.id);
    this.tables.add(tableKey);
    const unit = table.privacyUnit;
    if (unit !== null) this.unitSemantics.add(table.columns.find((c) => c.name === unit)!.semantic);
    out.push({
      alias, kind: 'table', schema: dataset.id, table: table.name, columns, order: table.columns.map((c) => c.name),
      units: unit === null ? [] : [col([f.alias || table.name, unit])],
      personalTables: unit === null ? [] : [tableKey],
      starSafe: table.columns.every((c) => c.level === 'L1' || c.level === 'L2'),
    });
  }

  private derivedSource(alias: string, info: SelectInfo, columnAliases: readonly string[], body: SelectNode): Source {
    const columns = new Map<string, SourceColumnEntry>();
    const order: string[] = [];
    info.outputs.forEach((o, i) => {
      const name = (columnAliases[i] ?? o.name).toLowerCase();
      order.push(name);
      if (!columns.has(name)) columns.set(name, { name, prov: lift(o.prov, this.liftContext(info)) });
    });
    // Each personal instance inside gets a hidden output carrying its unit, referenced from this scope.
    let items = this.unitItems.get(body);
    if (!items) {
      items = info.units.map((u) => ({ ...u, alias: unitName(++this.unitCounter) }));
      this.unitItems.set(body, items);
    }
    items.forEach((u, i) => columns.set(u.alias, { name: u.alias, prov: lift(this.provOf(info.units[i]!), this.liftContext(info)) }));
    const units = items.map((u) => col(alias ? [alias, u.alias] : [u.alias]));
    return {
      alias, kind: 'derived', schema: '', table: '', columns, order, units, personalTables: info.personalTables,
      starSafe: [...columns.values()].every((c) => allSources(c.prov).every((s) => s.base.column.level === 'L1' || s.base.column.level === 'L2')),
    };
  }

  private liftContext(info: SelectInfo): LiftContext {
    return { perUnit: info.personalTables.length > 0, countBound: this.policy.profiles.threshold.perUnitCountBound };
  }

  // ---- SELECT -----------------------------------------------------------------------------------

  private select(s: SelectNode, role: Role, outerCtes: ReadonlyMap<string, CteNode>): SelectInfo {
    const ctes = new Map(outerCtes);
    for (const c of s.ctes) {
      ctes.set(c.name.toLowerCase(), c);
      this.names.add(c.name.toLowerCase());
      c.columnAliases.forEach((a) => this.names.add(a.toLowerCase()));
    }
    const sources: Source[] = [];
    const using = new Set<string>();
    if (s.from) this.source(s.from, ctes, sources, using);
    const scope = new Scope(sources, using);
    // The privacy-unit expressions of this scope's sources are resolved like any column (never shown).
    for (const src of sources) {
      for (const u of src.units) {
        const r = u.kind === 'column' ? scope.resolve(u, combine) : null;
        if (!r?.ok) continue;
        this.provs.set(u, r.prov);
        for (const x of allSources(r.prov)) this.accounted.add(x.base.key);
      }
    }

    // Self-joins: one personal table twice among this FROM's instances.
    const personal = sources.flatMap((x) => x.personalTables);
    if (new Set(personal).size !== personal.length) this.violations.add('SELF_JOIN', { position: s.pos });
    if (s.from) this.joinConditions(s.from, scope, ctes);

    const base: ExprCtx = { scope, usage: 'output', inAggregate: false, aliases: null };
    const items = this.expandStars(s.items, sources);
    const itemProvs = items.map((e) => (this.isMaskCall(e) && role === 'release' && this.mode === 'rows' ? this.maskProv(e, base) : this.expr(e, base, ctes)));
    const aliases = new Map<string, Prov>();
    items.forEach((e, i) => { if (e.alias) aliases.set(e.alias.toLowerCase(), itemProvs[i]!); });

    if (s.where) {
      this.expr(s.where, { ...base, usage: 'filter', aliases }, ctes);
      this.report(checkFilter(s.where, (e) => this.provOf(e)));
    }
    const groupProvs = s.groupBy.map((g) => this.positional(g, itemProvs) ?? this.expr(g, { ...base, usage: 'group', aliases }, ctes));
    if (s.having) {
      this.expr(s.having, { ...base, usage: 'filter', aliases }, ctes);
      this.report(checkFilter(s.having, (e) => this.provOf(e)));
    }
    const orderProvs = s.orderBy.map((o) => this.positional(o.expr, itemProvs) ?? this.expr(o.expr, { ...base, aliases }, ctes));
    const aggregated = s.groupBy.length > 0 || itemProvs.some((p) => p.aggregated);

    const names = this.outputNames(items);
    names.forEach((n) => this.names.add(n.toLowerCase()));
    if (role === 'release') {
      this.release(s, items, itemProvs, groupProvs, orderProvs, aggregated, names);
    } else {
      if (s.orderBy.length > 0 || s.limit || s.offset) this.violations.add('SUBQUERY_LIMIT', { position: s.pos });
      if (s.distinct) this.violations.add('DISTINCT_ON', { position: s.pos });
      if (aggregated && personal.length > 0) this.perUnitGrouping(s, sources, groupProvs);
      if (role === 'in_subquery' && items.length !== 1) this.violations.add('NOT_BINDABLE', { position: s.pos });
    }
    itemProvs.forEach((p, i) => { if (role === 'release') this.use(p, p.aggregated ? 'aggregate' : 'output'); });
    groupProvs.forEach((p) => this.use(p, 'group'));

    return {
      outputs: items.map((e, i) => ({ name: names[i]!, prov: itemProvs[i]! })),
      order: names,
      units: sources.flatMap((x) => x.units),
      personalTables: personal,
    };
  }

  /** A derived select that aggregates personal data must group by the unit of every personal instance. */
  private perUnitGrouping(s: SelectNode, sources: readonly Source[], groupProvs: readonly Prov[]): void {
    const grouped = new Set(groupProvs.flatMap((p) => (p.bare ? [p.bare.base.key] : [])));
    for (const src of sources) {
      for (const u of src.units) {
        const p = this.provOf(u);
        if (!p.bare || !grouped.has(p.bare.base.key)) this.violations.add('SUBQUERY_AGGREGATE', { position: s.pos });
      }
    }
  }

  private release(
    s: SelectNode, items: readonly Expr[], itemProvs: readonly Prov[], groupProvs: readonly Prov[],
    orderProvs: readonly Prov[], aggregated: boolean, names: readonly string[],
  ): void {
    if (s.distinct) this.violations.add('DISTINCT_ON', { position: s.pos });
    for (const e of [s.limit, s.offset]) {
      if (e && !(e.kind === 'constant' && Number.isSafeInteger(e.value.value) && (e.value.value as number) >= 0)) {
        this.violations.add('LIMIT_NOT_CONSTANT', { position: e.pos });
      }
    }
    if (this.mode === 'rows' && aggregated) this.violations.add('ROWS_AGGREGATE', { position: s.pos });
    if (this.mode === 'aggregate') s.groupBy.forEach((g, i) => this.report(checkGroupKey(groupProvs[i]!, g.pos)));
    const keySources = new Set(groupProvs.flatMap((p) => [...p.raw.keys(), ...p.gen.keys()]));
    items.forEach((e, i) => {
      const prov = itemProvs[i]!;
      const protect = this.mode === 'rows' && this.isMaskCall(e) ? this.maskTarget(e) : null;
      if (!protect) this.report(checkOutput(this.mode, prov, e.pos));
      if (this.mode === 'aggregate' && !prov.aggregated) {
        const covered = [...prov.raw.keys(), ...prov.gen.keys()].every((k) => keySources.has(k));
        if (!aggregated || !covered) this.violations.add('NOT_AGGREGATED', { position: e.pos });
      }
      this.outputs.push({ index: i, name: names[i]!, expr: e, prov, protect });
    });
    s.orderBy.forEach((o, i) => {
      if (this.positionalIndex(o.expr, items.length) === null) this.report(checkOutput(this.mode, orderProvs[i]!, o.expr.pos));
    });
  }

  private outputNames(items: readonly Expr[]): string[] {
    const seen = new Map<string, number>();
    return items.map((e) => {
      let name = e.alias || (e.kind === 'column' ? e.names[e.names.length - 1]! : derivedName(e));
      const n = (seen.get(name.toLowerCase()) ?? 0) + 1;
      seen.set(name.toLowerCase(), n);
      if (n > 1) name = `${name}_${n}`;
      return name;
    });
  }

  // ---- expressions ------------------------------------------------------------------------------

  private provOf(e: Expr): Prov {
    return this.provs.get(e) ?? CONSTANT_PROV;
  }

  private positionalIndex(e: Expr, n: number): number | null {
    if (e.kind !== 'constant' || e.value.type.id !== 'INTEGER') return null;
    const i = Number(e.value.value);
    return Number.isSafeInteger(i) && i >= 1 && i <= n ? i - 1 : null;
  }

  /** GROUP BY 1 / ORDER BY 1 refer to select items. */
  private positional(e: Expr, itemProvs: readonly Prov[]): Prov | null {
    const i = this.positionalIndex(e, itemProvs.length);
    if (i === null) return null;
    this.provs.set(e, itemProvs[i]!);
    return itemProvs[i]!;
  }

  private expandStars(items: readonly Expr[], sources: readonly Source[]): Expr[] {
    return items.flatMap((e): Expr[] => {
      if (e.kind !== 'star') return [e];
      const over = e.relation ? sources.filter((s) => s.alias === e.relation.toLowerCase()) : sources;
      this.starUsed = true;
      if (over.length === 0 || over.some((s) => !s.starSafe)) {
        this.violations.add('STAR', { position: e.pos });
        return [];
      }
      return over.flatMap((s) => s.order.map((c) => ({ ...col(s.alias ? [s.alias, c] : [c]), pos: e.pos })));
    });
  }

  private isMaskCall(e: Expr): boolean {
    return e.kind === 'function' && (e.name === 'mask' || e.name === 'pseudonym');
  }

  private maskTarget(e: Expr): ReleaseOutput['protect'] {
    if (e.kind !== 'function' || e.args.length !== 1) return null;
    const p = this.provOf(e.args[0]!);
    if (!p.bare || e.args[0]!.kind !== 'column') return null;
    return { method: e.name === 'pseudonym' ? 'pseudonym' : 'mask', column: p.bare.base, arg: e.args[0]! };
  }

  /** mask(col) / pseudonym(col) as a whole row-release output: checked against the column's catalog entry. */
  private maskProv(e: Expr, ctx: ExprCtx): Prov {
    if (e.kind !== 'function') return CONSTANT_PROV;
    const argProvs = e.args.map((a) => this.expr(a, ctx, new Map()));
    const p = argProvs[0];
    const target = e.args.length === 1 && e.args[0]!.kind === 'column' && p?.bare ? p.bare.base : null;
    if (!target) {
      this.violations.add('MASK_POSITION', { position: e.pos, function: e.name });
    } else if (e.name === 'mask' && !target.column.mask) {
      this.violations.add('MASK_NOT_ALLOWED', { position: e.pos, column: target.key });
    } else if (e.name === 'pseudonym' && !target.column.pseudonym) {
      this.violations.add('PSEUDONYM_NOT_ALLOWED', { position: e.pos, column: target.key });
    }
    const prov = combine(argProvs);
    this.provs.set(e, prov);
    return prov;
  }

  private expr(e: Expr, ctx: ExprCtx, ctes: ReadonlyMap<string, CteNode>): Prov {
    const prov = this.exprUncached(e, ctx, ctes);
    this.provs.set(e, prov);
    return prov;
  }

  private exprUncached(e: Expr, ctx: ExprCtx, ctes: ReadonlyMap<string, CteNode>): Prov {
    switch (e.kind) {
      case 'constant':
        return CONSTANT_PROV;
      case 'star':
        this.violations.add('STAR', { position: e.pos });
        return CONSTANT_PROV;
      case 'column':
        return this.column(e, ctx);
      case 'in_subquery': {
        const left = this.expr(e.left, ctx, ctes);
        const info = this.select(e.query, 'in_subquery', ctes);
        const out = info.outputs[0];
        if (out) this.provs.set(e.query.items[0]!, lift(out.prov, this.liftContext(info)));
        this.use(left, ctx.usage === 'output' ? 'output' : 'filter');
        return combine([left]);
      }
      case 'function':
        return this.func(e, ctx, ctes);
      case 'cast': {
        const arg = this.expr(e.arg, ctx, ctes);
        if (allSources(arg).some((s) => s.base.column.level === 'L3' || s.base.column.level === 'L4') && !arg.aggregated) {
          this.violations.add('ERROR_PRONE_FUNCTION', { position: e.pos, function: e.tryCast ? 'try_cast' : 'cast' });
        }
        return combine([arg]);
      }
      default:
        return combine(childExprs(e).map((c) => this.expr(c, ctx, ctes)));
    }
  }

  private column(e: ColumnNode, ctx: ExprCtx): Prov {
    const r = ctx.scope.resolve(e, combine);
    const aliasProv = e.names.length === 1 ? ctx.aliases?.get(e.names[0]!.toLowerCase()) : undefined;
    if (!r.ok) {
      if (aliasProv) return aliasProv;
      if (e.names.length === 1 && e.names[0]!.toLowerCase() === 'current_date') return CONSTANT_PROV;
      this.violations.add(r.rule, { position: e.pos });
      return CONSTANT_PROV;
    }
    for (const s of allSources(r.prov)) {
      this.accounted.add(s.base.key);
      this.referenced.add(s.base.key);
    }
    if (!ctx.inAggregate) this.use(r.prov, ctx.usage);
    // A name that is both a column and a select alias binds differently per clause in DuckDB: take both.
    return aliasProv ? combine([r.prov, aliasProv]) : r.prov;
  }

  private func(e: Extract<Expr, { kind: 'function' }>, ctx: ExprCtx, ctes: ReadonlyMap<string, CteNode>): Prov {
    const cls = classifyFunction(this.policy.functions, e.name);
    const fn = safeFunctionName(e.name);
    switch (cls.kind) {
      case 'not_allowed': {
        this.violations.add('FUNCTION_NOT_ALLOWED', { position: e.pos, ...(fn ? { function: fn } : {}) });
        const args = e.args.map((a) => this.expr(a, ctx, ctes));
        if (this.policy.functions.errorProne.includes(e.name) && args.some((p) => allSources(p).some((s) => s.base.column.level === 'L3' || s.base.column.level === 'L4'))) {
          this.violations.add('ERROR_PRONE_FUNCTION', { position: e.pos, ...(fn ? { function: fn } : {}) });
        }
        return combine(args);
      }
      case 'masking':
        this.violations.add('MASK_POSITION', { position: e.pos, function: e.name });
        return combine(e.args.map((a) => this.expr(a, ctx, ctes)));
      case 'aggregate': {
        const inner: ExprCtx = { ...ctx, inAggregate: true, usage: 'aggregate' };
        const args = [...e.args, ...e.orderBy.map((o) => o.expr)].map((a) => this.expr(a, inner, ctes));
        args.forEach((p) => this.use(p, 'aggregate'));
        if (e.filter) {
          this.use(this.expr(e.filter, { ...ctx, usage: 'filter', inAggregate: true }, ctes), 'filter');
          this.report(checkFilter(e.filter, (x) => this.provOf(x)));
        }
        this.report(checkAggregate(e, cls.group, args));
        this.report(checkCaseConditions(e.args, (x) => this.provOf(x)));
        const contribution = cls.group === 'ordinary' ? this.boundAggregate(e) : null;
        return aggregate(e.name, args, contribution);
      }
      case 'generalizing':
      case 'scalar': {
        const args = e.args.map((a) => this.expr(a, ctx, ctes));
        if (cls.kind === 'scalar' && cls.errorProne) {
          if (args.some((p) => !p.aggregated && allSources(p).some((s) => s.base.column.level === 'L3' || s.base.column.level === 'L4'))) {
            this.violations.add('ERROR_PRONE_FUNCTION', { position: e.pos, ...(fn ? { function: fn } : {}) });
          }
        }
        return this.generalizes(e) ? generalize(args) : combine(args);
      }
    }
  }

  /** Whether this call generalizes its date/number argument (constant unit and width arguments). */
  private generalizes(e: Extract<Expr, { kind: 'function' }>): boolean {
    const constStr = (x: Expr | undefined): string | null =>
      x && x.kind === 'constant' && typeof x.value.value === 'string' ? x.value.value : null;
    switch (e.name) {
      case 'year':
      case 'quarter':
        return e.args.length === 1;
      case 'date_trunc': {
        const unit = constStr(e.args[0]);
        return e.args.length === 2 && unit !== null && isCoarseTruncUnit(this.policy.functions, unit);
      }
      case 'date_part':
      case 'datepart': {
        const unit = constStr(e.args[0]);
        return e.args.length === 2 && unit !== null && isGeneralizingPart(unit);
      }
      case 'age_band':
      case 'bucket':
        return e.args.length === 2 && this.widthGeneralizes(e);
      default:
        return Object.hasOwn(this.policy.functions.generalizing, e.name) && e.args.length === 1;
    }
  }

  /**
   * bucket(x, width) and age_band(d, width) generalize only with a positive constant width; over L3
   * values a bucket must also be at least a thousandth of the input's known range, so that a tiny width
   * is not a way to release raw values (an L3 input of unknown range cannot be bucketed).
   */
  private widthGeneralizes(e: Extract<Expr, { kind: 'function' }>): boolean {
    const width = constantOf(e.args[1]!);
    const l3 = carriesL3(this.provOf(e.args[0]!));
    const refuse = (): boolean => {
      if (l3) this.violations.add('L3_UNGENERALIZED_GROUP', { position: e.pos, function: e.name });
      return false;
    };
    if (width === null || !(width > 0) || !isConstant(e.args[1]!, (x) => this.provOf(x))) return refuse();
    if (e.name === 'age_band') return Number.isInteger(width) ? true : refuse();
    if (!l3) return true;
    const r = rangeOf(e.args[0]!, (c) => this.provOf(c).range ?? undefined);
    return r !== undefined && width >= (r[1] - r[0]) / BUCKET_RESOLUTION ? true : refuse();
  }

  /**
   * sum/avg/stddev/variance over L3 values (columns or per-unit aggregates) need a finite, known range: it
   * is derived by interval arithmetic (src/sql/interval.ts); every column in it is clamped to its range,
   * and an expression as a whole to the derived one, cast to DOUBLE so that no arithmetic can overflow.
   * Without a range the sum is refused (UNBOUNDED_SUM). Returns the clamped per-row range (DP sensitivity).
   */
  private boundAggregate(e: Extract<Expr, { kind: 'function' }>): Range | null {
    const args = e.args.map((a) => this.provOf(a));
    if (!args.some(carriesL3)) return null;
    const refuse = (): null => {
      const l3 = args.flatMap((p) => [...p.raw.values(), ...p.gen.values()]).find((s) => s.base.column.level === 'L3');
      this.violations.add('UNBOUNDED_SUM', { position: e.pos, ...(l3 ? { column: l3.base.key } : {}) });
      return null;
    };
    const arg = e.args[0];
    if (e.args.length !== 1 || !arg) return refuse();
    const leaves: ColumnNode[] = [];
    const r = rangeOf(arg, (c) => {
      const known = this.provOf(c).range;
      if (known) leaves.push(c);
      return known ?? undefined;
    });
    if (r === undefined) return refuse();
    const compound = arg.kind !== 'column';
    for (const c of leaves) this.clamps.set(c, { range: this.provOf(c).range!, double: compound });
    if (!compound) return r;
    const range = outward(r);
    this.clamps.set(arg, { range, double: false });
    return range;
  }

  private joinConditions(f: FromNode, scope: Scope, ctes: ReadonlyMap<string, CteNode>): void {
    if (f.kind !== 'join') return;
    this.joinConditions(f.left, scope, ctes);
    this.joinConditions(f.right, scope, ctes);
    if (f.on) {
      this.expr(f.on, { scope, usage: 'join', inAggregate: false, aliases: null }, ctes);
      this.report(checkJoinCondition(f.on, (e) => this.provOf(e)));
    }
    for (const u of f.using) {
      const name = u.toLowerCase();
      const provs = scope.sources.filter((s) => s.columns.has(name)).map((s) => s.columns.get(name)!.prov);
      if (provs.length < 2) this.violations.add('UNKNOWN_COLUMN', { position: f.pos });
      provs.forEach((p) => { this.use(p, 'join'); for (const s of allSources(p)) this.accounted.add(s.base.key); });
      this.report(checkUsingColumns(provs, f.pos));
    }
  }
}

/** A readable name for an unaliased computed output: the function and its first column (`avg_monthly_base`). */
function derivedName(e: Expr): string {
  const parts: string[] = [];
  const visit = (x: Expr): void => {
    if (parts.length >= 2) return;
    if (x.kind === 'function' && /^[a-z_][a-z0-9_]*$/.test(x.name) && parts.length === 0) parts.push(x.name === 'count_star' ? 'count' : x.name);
    if (x.kind === 'column') {
      parts.push(x.names[x.names.length - 1]!.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
      return;
    }
    childExprs(x).forEach(visit);
  };
  visit(e);
  return parts.join('_') || 'expr';
}
