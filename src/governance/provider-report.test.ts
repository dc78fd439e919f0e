// The art. 29 assessment figures from a known history of applications and objections, on a calendar with a
// weekend and a holiday: counts, median response time in working days, overdue ones, outcomes, the window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal, Role } from '../auth/principal.ts';
import { loadCatalog } from '../catalog/load.ts';
import { isAppError } from '../errors.ts';
import { ApplicationBook, type ApplicationRequest } from './applications.ts';
import { DatasetStatusBoard } from './dataset-status.ts';
import { openNdjsonEventLog, type GovernanceEventLog } from './event-log.ts';
import { ObjectionBook } from './objections.ts';
import { median, providerReport, type ProviderReportInput } from './provider-report.ts';
import { WorkingDayCalendar } from './working-days.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
// March 2026: Monday the 2nd; Wednesday the 4th is a holiday here; the 7th and 8th are a weekend.
const calendar = new WorkingDayCalendar({ utcOffsetMinutes: 480, holidays: ['2026-03-04'] });
const who = (sub: string, org: string, role: Role): Principal => ({ sub, org, roles: [role], datasets: [], jti: sub, exp: 0 });
const alice = who('alice', 'univ-a', 'researcher');
const hrss = who('hrss-steward', 'qqhr-hrss', 'steward');
const bus = who('bus-steward', 'qqhr-bus', 'steward');
const admin = who('dmd-admin', 'qqhr-dmd', 'admin');
const request: ApplicationRequest = {
  legalBasis: 'art. 14', purpose: 'study', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
};
/** 10:00 in the city (UTC+8) on a March 2026 day. */
const at = (day: number) => new Date(`2026-03-${String(day).padStart(2, '0')}T02:00:00Z`);
const NOW = at(11);

let dir: string;
let log: GovernanceEventLog;
let input: Omit<ProviderReportInput, 'now'> & { now: Date };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-report-'));
  log = openNdjsonEventLog(path.join(dir, 'governance.ndjson'));
  const apps = new ApplicationBook(log, calendar, catalog);
  const objections = new ObjectionBook(log, catalog, new DatasetStatusBoard(catalog, []));
  // Mon 2 → due Tue 3; approved Tue 3: 1 working day, on time.
  const a1 = apps.submit(alice, request, at(2)).application;
  apps.decide(hrss, a1.id, 'approve', undefined, at(3));
  // Tue 3 → the holiday is skipped, due Thu 5; denied Fri 6: 2 working days, late; coordination granted.
  const a2 = apps.submit(alice, request, at(3)).application;
  apps.decide(hrss, a2.id, 'deny', 'scope too wide', at(6));
  apps.requestCoordination(alice, a2.id, 'needed for the study', at(6));
  apps.coordinate(admin, a2.id, 'grant', 'legal basis suffices', at(9));
  // Fri 6 → due Mon 9; denied Mon 9: 1 working day, on time; coordination upheld.
  const a3 = apps.submit(alice, request, at(6)).application;
  apps.decide(hrss, a3.id, 'deny', 'no legal basis', at(9));
  apps.requestCoordination(alice, a3.id, 'please review', at(10));
  apps.coordinate(admin, a3.id, 'uphold', 'denial stands', at(10));
  // Mon 9 → due Tue 10; still pending on Wed 11: overdue.
  apps.submit(alice, request, at(9));
  // Wed 11 → due Thu 12: pending, not overdue.
  apps.submit(alice, request, at(11));

  const file = (day: number) => objections.file(alice, { dataset: 'transit', ground: 'error', description: 'wrong fares' }, at(day)).objection;
  const o1 = file(2);
  objections.resolve(bus, o1.id, 'suspend', 'checking', at(2));
  objections.resolve(bus, o1.id, 'restore', 'data correct', at(3));
  objections.resolve(bus, file(5).id, 'withdraw', 'fares were wrong', at(5));
  file(10);
  input = { catalog, calendar, applications: apps.all(), objections: objections.all(), now: NOW };
});
afterAll(() => {
  log?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const figuresOf = (report: ReturnType<typeof providerReport>, provider: string) => report.providers.find((p) => p.provider === provider)!;

describe('providerReport', () => {
  it('lists every providing organisation of the catalog with its datasets and share/open mix', () => {
    const r = providerReport(input);
    expect(r.providers.map((p) => p.provider)).toEqual(['qqhr-bus', 'qqhr-hrss', 'qqhr-hsa', 'qqhr-psb', 'qqhr-samr', 'qqhr-utilities']);
    expect(figuresOf(r, 'qqhr-bus')).toMatchObject({ datasets: ['transit'], share: { unconditional: 0, conditional: 1, none: 0 }, open: { unconditional: 0, conditional: 1, none: 0 } });
    expect(figuresOf(r, 'qqhr-samr')).toMatchObject({ datasets: ['market'], share: { unconditional: 1, conditional: 0, none: 0 }, open: { unconditional: 1, conditional: 0, none: 0 } });
    expect(figuresOf(r, 'qqhr-hrss').name).toBe('齐齐哈尔市人力资源和社会保障局');
  });

  it('counts applications and their answers, the median response in working days and the overdue ones', () => {
    expect(figuresOf(providerReport(input), 'qqhr-hrss').applications).toEqual({
      received: 5, pending: 2, approved: 1, denied: 2,
      coordinationRequested: 2, coordinationGranted: 1, coordinationUpheld: 1,
      medianResponseWorkingDays: 1,
      overdue: { open: 1, decidedLate: 1 },
    });
  });

  it('counts objections by outcome for the organisation whose data they concern', () => {
    const r = providerReport(input);
    expect(figuresOf(r, 'qqhr-bus').objections).toEqual({ received: 3, outcomes: { filed: 1, suspended: 0, withdrawn: 1, restored: 1, reopened: 0 } });
    expect(figuresOf(r, 'qqhr-psb').objections.received).toBe(0);
    expect(figuresOf(r, 'qqhr-psb').applications).toMatchObject({ received: 0, medianResponseWorkingDays: null });
  });

  it('counts only what was submitted or filed within the window, by local date', () => {
    const r = providerReport({ ...input, from: '2026-03-03', to: '2026-03-06' });
    expect(r).toMatchObject({ from: '2026-03-03', to: '2026-03-06' });
    expect(figuresOf(r, 'qqhr-hrss').applications).toMatchObject({ received: 2, pending: 0, approved: 0, denied: 2, medianResponseWorkingDays: 1.5, overdue: { open: 0, decidedLate: 1 } });
    expect(figuresOf(r, 'qqhr-bus').objections).toMatchObject({ received: 1, outcomes: { withdrawn: 1 } });
  });

  it('judges what is overdue at the instant of the report', () => {
    // On Tue 10 the application submitted Mon 9 is not yet past its deadline.
    expect(figuresOf(providerReport({ ...input, now: at(10) }), 'qqhr-hrss').applications.overdue.open).toBe(0);
  });

  it('keeps to one organisation when asked', () => {
    expect(providerReport({ ...input, provider: 'qqhr-hrss' }).providers.map((p) => p.provider)).toEqual(['qqhr-hrss']);
    expect(providerReport({ ...input, provider: 'univ-a' }).providers).toEqual([]);
  });

  it.each([
    { name: 'a window that ends before it starts', from: '2026-03-06', to: '2026-03-03' },
    { name: 'a day that does not exist', from: '2026-02-30', to: undefined },
    { name: 'a date that is not YYYY-MM-DD', from: undefined, to: '2026-3-3' },
  ])('refuses $name (BAD_REQUEST)', ({ from, to }) => {
    let caught: unknown;
    try {
      providerReport({ ...input, ...(from ? { from } : {}), ...(to ? { to } : {}) });
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught) && caught.code).toBe('BAD_REQUEST');
  });
});

describe('median', () => {
  it.each([
    { name: 'none', values: [], expected: null },
    { name: 'one', values: [4], expected: 4 },
    { name: 'odd count, unsorted', values: [3, 1, 2], expected: 2 },
    { name: 'even count: the mean of the middle two', values: [10, 1, 4, 2], expected: 3 },
  ])('$name', ({ values, expected }) => expect(median(values)).toBe(expected));
});
