// The Queues page's filter: the form's query string to a validated filter, and which items it keeps.
import { describe, expect, it } from 'vitest';
import type { ApplicationView } from '../governance/applications.ts';
import { APPLICATION_STATES, matchesApplication, matchesObjection, OBJECTION_STATES, parseQueueFilter } from './queue-filter.ts';

const q = (o: Readonly<Record<string, string | string[] | undefined>>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v : [v]]])));
const app = (over: Partial<ApplicationView>): ApplicationView =>
  ({ state: 'pending', overdue: false, scope: { datasets: ['health'], tables: [], columns: [] }, ...over }) as ApplicationView;

describe('parseQueueFilter', () => {
  it('reads an empty form as "everything"', () => {
    expect(parseQueueFilter({})).toMatchObject({ ok: true, filter: { overdueOnly: false } });
  });

  it('accepts every governance state and keeps the form as typed', () => {
    for (const s of APPLICATION_STATES) expect(parseQueueFilter(q({ applicationState: s }))).toMatchObject({ ok: true, filter: { applicationState: s } });
    for (const s of OBJECTION_STATES) expect(parseQueueFilter(q({ objectionState: s }))).toMatchObject({ ok: true, filter: { objectionState: s } });
    expect(parseQueueFilter(q({ dataset: 'health', overdue: '1', lang: 'en' }))).toMatchObject({ ok: true, filter: { dataset: 'health', overdueOnly: true } });
  });

  it.each([
    { name: 'an unknown application state', query: { applicationState: 'lost' } },
    { name: 'an objection state in the application field', query: { applicationState: 'filed' } },
    { name: 'a dataset id that is not an identifier', query: { dataset: 'health; drop' } },
    { name: 'an overdue flag other than 1', query: { overdue: 'yes' } },
    { name: 'a repeated filter', query: { dataset: ['health', 'transit'] } },
  ])('refuses $name and keeps the form', ({ query }) => {
    const parsed = parseQueueFilter(q(query));
    expect(parsed.ok).toBe(false);
    expect(parsed.form).toBeDefined();
  });
});

describe('matching', () => {
  it('keeps an application only when state, dataset and overdue all match', () => {
    const f = { applicationState: 'pending' as const, dataset: 'health', overdueOnly: true };
    expect(matchesApplication(app({ overdue: true }), f)).toBe(true);
    expect(matchesApplication(app({ overdue: false }), f)).toBe(false);
    expect(matchesApplication(app({ overdue: true, state: 'approved' }), f)).toBe(false);
    expect(matchesApplication(app({ overdue: true, scope: { datasets: ['transit'], tables: [], columns: [] } }), f)).toBe(false);
  });

  it('does not hide objections for "overdue only" (they have no deadline), but filters them by state and dataset', () => {
    expect(matchesObjection({ state: 'filed', dataset: 'health' }, { overdueOnly: true })).toBe(true);
    expect(matchesObjection({ state: 'filed', dataset: 'health' }, { overdueOnly: false, objectionState: 'suspended' })).toBe(false);
    expect(matchesObjection({ state: 'filed', dataset: 'health' }, { overdueOnly: false, dataset: 'transit' })).toBe(false);
  });
});
