// Turns the Queues page's filter form (a GET query string) into a validated filter, and applies it to the
// governance views: application state, objection state, dataset, and "overdue only". Anything the schema
// does not know is refused (the page answers 400 and keeps the form), as the API refuses it.
import { type } from 'arktype';
import type { ApplicationState, ApplicationView } from '../governance/applications.ts';
import type { ObjectionState } from '../governance/objections.ts';

/** Keyed by the governance state unions: a state added there breaks the build here until it is listed. */
const APPLICATION_STATE_KEYS: Readonly<Record<ApplicationState, true>> = {
  pending: true, approved: true, denied: true, coordination_requested: true, coordination_granted: true, coordination_upheld: true,
};
const OBJECTION_STATE_KEYS: Readonly<Record<ObjectionState, true>> = { filed: true, suspended: true, withdrawn: true, restored: true, reopened: true };
export const APPLICATION_STATES = Object.keys(APPLICATION_STATE_KEYS) as ApplicationState[];
export const OBJECTION_STATES = Object.keys(OBJECTION_STATE_KEYS) as ObjectionState[];

export const QUEUE_FILTER_FIELDS = ['applicationState', 'objectionState', 'dataset', 'overdue'] as const;
export type QueueFilterForm = Readonly<Record<(typeof QUEUE_FILTER_FIELDS)[number], string>>;

const QueueQuerySchema = type({
  'applicationState?': type.enumerated(...APPLICATION_STATES),
  'objectionState?': type.enumerated(...OBJECTION_STATES),
  'dataset?': /^[a-z][a-z0-9_]{0,63}$/,
  'overdue?': "'1'",
  '+': 'reject',
});

export interface QueueFilter {
  readonly applicationState?: ApplicationState;
  readonly objectionState?: ObjectionState;
  readonly dataset?: string;
  readonly overdueOnly: boolean;
}

export type ParsedQueueFilter = { readonly ok: true; readonly form: QueueFilterForm; readonly filter: QueueFilter } | { readonly ok: false; readonly form: QueueFilterForm };

/** `queries` is every value of every parameter (hono's c.req.queries()); unknown parameters are ignored (lang, done). */
export function parseQueueFilter(queries: Record<string, string[]>): ParsedQueueFilter {
  const one = (k: string): string => queries[k]?.[0]?.trim() ?? '';
  const form: QueueFilterForm = { applicationState: one('applicationState'), objectionState: one('objectionState'), dataset: one('dataset'), overdue: one('overdue') };
  // A repeated filter is ambiguous (which one counts?): refused rather than guessed.
  if (QUEUE_FILTER_FIELDS.some((k) => (queries[k]?.length ?? 0) > 1)) return { ok: false, form };
  const query: Record<string, string> = {};
  for (const k of QUEUE_FILTER_FIELDS) if (form[k] !== '') query[k] = form[k];
  const checked = QueueQuerySchema(query);
  if (checked instanceof type.errors) return { ok: false, form };
  return {
    ok: true,
    form,
    filter: {
      ...(checked.applicationState ? { applicationState: checked.applicationState } : {}),
      ...(checked.objectionState ? { objectionState: checked.objectionState } : {}),
      ...(checked.dataset ? { dataset: checked.dataset } : {}),
      overdueOnly: checked.overdue === '1',
    },
  };
}

export function matchesApplication(a: ApplicationView, f: QueueFilter): boolean {
  if (f.applicationState && a.state !== f.applicationState) return false;
  if (f.dataset && !a.scope.datasets.includes(f.dataset)) return false;
  return !f.overdueOnly || a.overdue;
}

/** Catalog change proposals have deadlines too (5 working days to review, 10 to apply): "overdue only" applies. */
export function matchesCatalogChange(c: { readonly dataset: string; readonly overdue: boolean }, f: QueueFilter): boolean {
  if (f.dataset && c.dataset !== f.dataset) return false;
  return !f.overdueOnly || c.overdue;
}

/** "Overdue only" is about applications (objections carry no deadline), so it hides no objection. */
export function matchesObjection(o: { readonly state: ObjectionState; readonly dataset: string }, f: QueueFilter): boolean {
  if (f.objectionState && o.state !== f.objectionState) return false;
  return !f.dataset || o.dataset === f.dataset;
}
