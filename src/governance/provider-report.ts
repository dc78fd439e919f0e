// The assessment report of Measures art. 29: per providing organisation, its datasets and their share/open
// mix, the applications it received and how it answered them (counts, median response time in working days,
// overdue ones), and the objections to its data and their outcomes. Pure: computed from the governance state,
// the catalog and the working-day calendar at an instant.
import type { Catalog, ShareType } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import type { Application } from './applications.ts';
import type { Objection, ObjectionState } from './objections.ts';
import type { WorkingDayCalendar } from './working-days.ts';

export interface ProviderReportInput {
  readonly catalog: Catalog;
  readonly applications: readonly Application[];
  readonly objections: readonly Objection[];
  readonly calendar: WorkingDayCalendar;
  /** The instant the report is made at: what is overdue is judged against it. */
  readonly now: Date;
  /** Local dates (YYYY-MM-DD), inclusive: only applications submitted and objections filed in this window count. */
  readonly from?: string;
  readonly to?: string;
  /** Only this providing organisation (a steward sees their own). */
  readonly provider?: string;
}

type Mix = Record<ShareType, number>;

export interface ProviderFigures {
  readonly provider: string;
  /** The organisation's Chinese name from the catalog; null when it no longer provides any dataset there. */
  readonly name: string | null;
  readonly datasets: string[];
  readonly share: Mix;
  readonly open: Mix;
  readonly applications: {
    readonly received: number;
    readonly pending: number;
    /** Decided by the provider's steward: approved, or denied (whatever coordination followed). */
    readonly approved: number;
    readonly denied: number;
    readonly coordinationRequested: number;
    readonly coordinationGranted: number;
    readonly coordinationUpheld: number;
    /** Working days from submission to the steward's decision, median over decided applications; null if none. */
    readonly medianResponseWorkingDays: number | null;
    /** `open`: still pending and past the deadline now; `decidedLate`: decided after the deadline. */
    readonly overdue: { readonly open: number; readonly decidedLate: number };
  };
  readonly objections: { readonly received: number; readonly outcomes: Record<ObjectionState, number> };
}

export interface ProviderReport {
  readonly generatedAt: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly providers: ProviderFigures[];
}

/** YYYY-MM-DD naming a day that exists (not 2026-02-30). */
const isCalendarDate = (d: string): boolean => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : Number.NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};

const mix = (): Mix => ({ unconditional: 0, conditional: 0, none: 0 });

/** The median of a non-empty list; the mean of the middle two for an even count. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function providerReport(input: ProviderReportInput): ProviderReport {
  const { catalog, calendar, now } = input;
  const from = input.from ?? null;
  const to = input.to ?? null;
  for (const d of [from, to]) if (d !== null && !isCalendarDate(d)) throw new AppError('BAD_REQUEST', 'the report window must be given as calendar dates');
  if (from !== null && to !== null && from > to) throw new AppError('BAD_REQUEST', 'the report window must run from a date to a later one');
  const inWindow = (at: string): boolean => {
    const day = calendar.localDate(new Date(at));
    return (from === null || day >= from) && (to === null || day <= to);
  };
  const wanted = (provider: string): boolean => input.provider === undefined || provider === input.provider;

  const providers = new Set<string>();
  for (const d of catalog.datasets) if (wanted(d.provider.id)) providers.add(d.provider.id);
  // An organisation that received applications or objections stays in the report even if the catalog moved on.
  for (const a of input.applications) if (wanted(a.provider)) providers.add(a.provider);
  for (const o of input.objections) if (wanted(o.provider)) providers.add(o.provider);

  const figures = [...providers].sort().map((provider): ProviderFigures => {
    const datasets = catalog.datasets.filter((d) => d.provider.id === provider);
    const share = mix();
    const open = mix();
    for (const d of datasets) {
      share[d.share.type] += 1;
      open[d.open.type] += 1;
    }
    const apps = input.applications.filter((a) => a.provider === provider && inWindow(a.submittedAt));
    const decided = apps.filter((a) => a.decidedAt !== null);
    const objections = input.objections.filter((o) => o.provider === provider && inWindow(o.filedAt));
    const outcomes: Record<ObjectionState, number> = { filed: 0, suspended: 0, withdrawn: 0, restored: 0, reopened: 0 };
    for (const o of objections) outcomes[o.state] += 1;
    return {
      provider,
      name: datasets[0]?.provider.name.zh ?? null,
      datasets: datasets.map((d) => d.id),
      share,
      open,
      applications: {
        received: apps.length,
        pending: apps.filter((a) => a.state === 'pending').length,
        approved: apps.filter((a) => a.state === 'approved').length,
        denied: decided.filter((a) => a.state !== 'approved').length,
        coordinationRequested: apps.filter((a) => a.coordination !== null).length,
        coordinationGranted: apps.filter((a) => a.coordination?.outcome === 'grant').length,
        coordinationUpheld: apps.filter((a) => a.coordination?.outcome === 'uphold').length,
        medianResponseWorkingDays: median(decided.map((a) => calendar.workingDaysBetween(new Date(a.submittedAt), new Date(a.decidedAt!)))),
        overdue: {
          open: apps.filter((a) => a.state === 'pending' && calendar.isOverdue(a.deadline, now)).length,
          decidedLate: decided.filter((a) => calendar.localDate(new Date(a.decidedAt!)) > a.deadline).length,
        },
      },
      objections: { received: objections.length, outcomes },
    };
  });
  return { generatedAt: now.toISOString(), from, to, providers: figures };
}
