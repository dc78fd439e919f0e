// Purpose binding (Measures art. 16): whether the application a query names lets its caller use the
// conditional (or, after an admin coordination grant, non-shared) datasets the query reads, for every
// column it uses and in the mode it runs. Pure: decided from the application and the query's facts.
import type { Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import type { Mode } from '../sql/compiled.ts';
import type { Application } from './applications.ts';

/** What the pipeline may look an application up in; ApplicationBook satisfies it. */
export interface ApplicationLookup {
  get(id: string): Application | undefined;
  /** The city's local date, for the period check. */
  today(now?: Date): string;
}

/** The datasets an application opens to its holder; `coordinated`: also those the catalog does not share. */
export interface ApplicationGrant {
  readonly datasets: ReadonlySet<string>;
  readonly coordinated: boolean;
}

export type BindingResult =
  | { readonly ok: true; readonly grant: ApplicationGrant }
  | { readonly ok: false; readonly rule: 'APPLICATION_NOT_USABLE' | 'APPLICATION_SCOPE' | 'APPLICATION_MODE' };

export interface QueryUse {
  readonly datasets: readonly string[];
  /** The columns the query reads; absent when compilation stopped before they were known. */
  readonly inputs?: readonly { readonly dataset: string; readonly table: string; readonly column: string }[];
  readonly mode: Mode;
}

export function bindApplication(app: Application | undefined, principal: Principal, use: QueryUse, catalog: Catalog, today: string): BindingResult {
  // Unknown, someone else's, undecided, denied, or outside its period: all look the same to the caller.
  if (!app || app.applicant.org !== principal.org) return { ok: false, rule: 'APPLICATION_NOT_USABLE' };
  if (app.state !== 'approved' && app.state !== 'coordination_granted') return { ok: false, rule: 'APPLICATION_NOT_USABLE' };
  if (today < app.request.period.from || today > app.request.period.to) return { ok: false, rule: 'APPLICATION_NOT_USABLE' };
  if (app.request.method !== use.mode) return { ok: false, rule: 'APPLICATION_MODE' };
  const needsGrant = (d: string) => catalog.dataset(d)?.share.type !== 'unconditional';
  const scope = app.request.scope;
  if (use.datasets.some((d) => needsGrant(d) && !scope.datasets.includes(d))) return { ok: false, rule: 'APPLICATION_SCOPE' };
  const columns = new Set(scope.columns.map((c) => c.toLowerCase()));
  for (const i of use.inputs ?? []) {
    if (needsGrant(i.dataset) && !columns.has(`${i.dataset}.${i.table}.${i.column}`.toLowerCase())) return { ok: false, rule: 'APPLICATION_SCOPE' };
  }
  return { ok: true, grant: { datasets: new Set(scope.datasets), coordinated: app.state === 'coordination_granted' } };
}
