// The application deadline and overdue flag on the working-day calendar, and replay of decisions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import type { Principal } from '../auth/principal.ts';
import { ApplicationBook, type ApplicationRequest } from './applications.ts';
import { openNdjsonEventLog } from './event-log.ts';
import { WorkingDayCalendar } from './working-days.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
// 2026-12-01 (Tuesday) is a holiday in this calendar.
const calendar = new WorkingDayCalendar({ utcOffsetMinutes: 480, holidays: ['2026-12-01'] });
const alice: Principal = { sub: 'alice', org: 'univ-a', roles: ['researcher'], datasets: [], jti: 'j1', exp: 0 };
const steward: Principal = { sub: 's', org: 'qqhr-hrss', roles: ['steward'], datasets: [], jti: 'j2', exp: 0 };
const request: ApplicationRequest = {
  legalBasis: 'art. 14', purpose: 'study', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
  scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
};

const dirs: string[] = [];
const book = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-apps-'));
  dirs.push(d);
  const file = path.join(d, 'governance.ndjson');
  return { file, book: new ApplicationBook(openNdjsonEventLog(file), calendar, catalog) };
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('ApplicationBook deadlines', () => {
  it('is due the next working day across the weekend and the holiday, and overdue only after it', () => {
    const { book: b } = book();
    // Friday 2026-11-27, 10:00 local → due Monday 2026-11-30.
    const a = b.submit(alice, request, new Date('2026-11-27T02:00:00Z')).application;
    expect(a.deadline).toBe('2026-11-30');
    expect(b.view(a, new Date('2026-11-30T15:00:00Z')).overdue).toBe(false);
    expect(b.view(a, new Date('2026-11-30T16:30:00Z')).overdue).toBe(true);
    // Monday 2026-11-30 → the Tuesday holiday is skipped → due Wednesday 2026-12-02.
    expect(b.submit(alice, request, new Date('2026-11-30T02:00:00Z')).application.deadline).toBe('2026-12-02');
  });

  it('is no longer overdue once decided, also after a replay of the log', () => {
    const { file, book: b } = book();
    const a = b.submit(alice, request, new Date('2026-11-27T02:00:00Z')).application;
    b.decide(steward, a.id, 'deny', 'no legal basis', new Date('2026-12-03T02:00:00Z'));
    const replayed = new ApplicationBook(openNdjsonEventLog(file), calendar, catalog);
    const again = replayed.get(a.id)!;
    expect(again).toMatchObject({ state: 'denied', reason: 'no legal basis', deadline: '2026-11-30' });
    expect(replayed.view(again, new Date('2026-12-10T02:00:00Z')).overdue).toBe(false);
  });
});
