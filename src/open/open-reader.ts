// Reads one page of an open table through the query pipeline (compile under the grading policy, execute in
// the sandbox executor, output gate, lineage record before anything leaves), so that the API process never
// opens the domain and every protection stays in one place. Anonymous readers are recorded as subject
// "anonymous"; every read's purpose is "open data".
import type { Principal } from '../auth/principal.ts';
import type { Catalog, Dataset } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import type { QueryPipeline, QueryResponse } from '../api/query-pipeline.ts';
import { resolveOpenTable, type OpenTable } from './open-table.ts';
import { decodeCursor, encodeCursor, type PagePosition } from './page-cursor.ts';
import { pageSql } from './page-sql.ts';

export const OPEN_DATA_PURPOSE = 'open data';

/** The caller of an open read without a license: recorded in lineage, granted nothing. */
export const ANONYMOUS: Principal = { sub: 'anonymous', org: 'public', roles: [], datasets: [], jti: 'none', exp: 0 };

export interface PageRequest {
  readonly dataset: string;
  readonly table: string;
  readonly cursor?: string;
  /** Unconditional tables only: rows per page. */
  readonly limit?: number;
  /** Conditional tables only: the caller's approved application (art. 16). */
  readonly application?: string;
}

/** How one catalog column was desensitized before it left: for the response and (through the compiled plan) lineage. */
export interface ColumnDesensitization {
  readonly column: string;
  readonly method: 'raw' | 'pseudonymized' | 'masked' | 'generalized' | 'omitted';
  readonly released: readonly { readonly name: string; readonly as: string }[];
}

export interface Desensitization {
  readonly columns: readonly ColumnDesensitization[];
  /** Rows whose quasi-identifier class (as released) had fewer than k rows were suppressed. */
  readonly kAnonymity: number | null;
  readonly suppressedRows: number;
  /** The page hit the row cap: rows beyond it were not released. */
  readonly truncated: boolean;
}

export interface OpenPage {
  readonly table: OpenTable;
  readonly columns: QueryResponse['columns'];
  readonly rows: QueryResponse['rows'];
  /** The cursor of the next page, or null after the last one. */
  readonly next: string | null;
  readonly lineageId: string;
  /** Conditional tables only. */
  readonly desensitization: Desensitization | null;
}

export interface OpenReaderDeps {
  readonly catalog: Catalog;
  readonly pipeline: QueryPipeline;
  readonly status: (dataset: string) => Dataset['status'] | undefined;
  /** Largest page of an unconditional table: the row-release cap of the current policy (it may be reloaded). */
  readonly maxLimit: () => number;
}

export const DEFAULT_LIMIT = 1000;

export class OpenDataReader {
  readonly #deps: OpenReaderDeps;

  constructor(deps: OpenReaderDeps) {
    this.#deps = deps;
  }

  /** The open table a request names, or the coded refusal (NOT_FOUND, DATASET_SUSPENDED); reads nothing. */
  resolve(dataset: string, table: string): OpenTable {
    return resolveOpenTable(this.#deps.catalog, dataset, table, this.#deps.status);
  }

  /**
   * Checks a request without reading anything: the table is open and active, the limit, cursor and
   * application fit its kind, and the caller may ask for it (an unconditional table: anyone; a conditional
   * one: a license naming an application, which the pipeline then checks is approved and covers the read).
   * `caller` is the verified license when a token was sent, else undefined.
   */
  plan(caller: Principal | undefined, req: PageRequest): PagePlan {
    const open = this.resolve(req.dataset, req.table);
    const name = `${open.dataset.id}.${open.table.name}`;
    if (open.open === 'unconditional') {
      if (req.application !== undefined) throw new AppError('BAD_REQUEST', 'an unconditionally open table needs no application');
      const maxLimit = this.#deps.maxLimit();
      const limit = req.limit ?? Math.min(DEFAULT_LIMIT, maxLimit);
      if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
        throw new AppError('BAD_REQUEST', `limit must be an integer from 1 to ${maxLimit}`, { maxLimit });
      }
      const position = req.cursor === undefined ? null : decodeCursor(req.cursor, name, open.order.shape);
      // A token, when sent, only names who read: the table is public to anyone. Its open type, not its share
      // type, is what makes it readable here, so the read carries a grant of this one dataset.
      return { open, name, position, limit, reader: { ...(caller ?? ANONYMOUS), datasets: [open.dataset.id] }, application: undefined };
    }
    if (req.limit !== undefined) throw new AppError('BAD_REQUEST', 'a conditionally open table is paged by hour-of-day windows; limit does not apply');
    if (caller === undefined) throw new AppError('UNAUTHENTICATED', 'a conditionally open table is released only to a licensed caller');
    if (req.application === undefined) {
      throw new AppError('NOT_LICENSED', 'a conditionally open table is released only under an approved application', { datasets: [open.dataset.id] });
    }
    const position: PagePosition | null = req.cursor === undefined ? null : decodeCursor(req.cursor, name, undefined);
    return { open, name, position, limit: this.#deps.maxLimit(), reader: caller, application: req.application };
  }

  /** Reads the planned page through the pipeline (which records it in lineage before it returns). */
  async read(plan: PagePlan): Promise<OpenPage> {
    const { open, name, position, limit } = plan;
    const answer = await this.#deps.pipeline.run(plan.reader, {
      sql: pageSql(open, position, limit), purpose: OPEN_DATA_PURPOSE, mode: 'rows',
      ...(plan.application !== undefined ? { application: plan.application } : {}),
    });
    if (open.open === 'unconditional') {
      return { table: open, columns: answer.columns, rows: answer.rows, next: nextAfterKey(open, name, answer, limit), lineageId: answer.lineageId, desensitization: null };
    }
    const hour = position && 'hour' in position ? position.hour : 0;
    const next = open.window !== null && hour < 23 ? encodeCursor(name, { hour: hour + 1 }) : null;
    return { table: open, columns: answer.columns, rows: answer.rows, next, lineageId: answer.lineageId, desensitization: desensitizationOf(open, answer) };
  }
}

/** A checked request: what one page reads, for whom, and under which application. */
export interface PagePlan {
  readonly open: OpenTable;
  /** `dataset.table` */
  readonly name: string;
  readonly position: PagePosition | null;
  /** Rows a page (unconditional); the row cap (conditional, where the rewrite caps the window anyway). */
  readonly limit: number;
  /** Who is recorded as reading: the token's subject, or "anonymous". */
  readonly reader: Principal;
  readonly application: string | undefined;
}

/** A full page may have a successor (the last page may then be empty); a short page is the last. */
function nextAfterKey(open: Extract<OpenTable, { open: 'unconditional' }>, name: string, answer: QueryResponse, limit: number): string | null {
  if (answer.rows.length < limit) return null;
  const keyIndex = answer.columns.findIndex((c) => c.name === open.order.column);
  const last = answer.rows[answer.rows.length - 1]?.[keyIndex];
  // The key left the sandbox as released data; it must still have its declared shape to become a cursor.
  if (typeof last !== 'string' || !open.order.shape.test(last)) throw new AppError('INTERNAL', 'the page could not be continued');
  return encodeCursor(name, { after: last });
}

function desensitizationOf(open: OpenTable, answer: QueryResponse): Desensitization {
  return {
    columns: open.columns.map((c) => ({
      column: c.column.name,
      method: c.method,
      released: c.outputs.map((o) => ({ name: o.name, as: o.description })),
    })),
    kAnonymity: answer.disclosure.kAnonymity,
    suppressedRows: answer.disclosure.suppressedRows,
    truncated: answer.disclosure.truncated,
  };
}
