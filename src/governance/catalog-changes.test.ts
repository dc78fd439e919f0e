// Catalog change proposals (art. 8) on the working-day calendar: the 5-day review and 10-day update
// deadlines across a weekend and a holiday, the overdue flags, and the state and versions replayed from the log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import type { Principal } from '../auth/principal.ts';
import { codeOf } from '../../test/support/thrown-code.ts';
import { CatalogChangeBook, type CatalogChangeRequest } from './catalog-changes.ts';
import { openNdjsonEventLog } from './event-log.ts';
import { WorkingDayCalendar } from './working-days.ts';

const files = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
// 2026-11-27 is a Friday; 2026-12-01 (a Tuesday) is a holiday in this calendar.
const calendar = new WorkingDayCalendar({ utcOffsetMinutes: 480, holidays: ['2026-12-01'] });
const steward: Principal = { sub: 'psb', org: 'qqhr-psb', roles: ['steward'], datasets: [], jti: 'j1', exp: 0 };
const admin: Principal = { sub: 'dmd', org: 'qqhr-dmd', roles: ['admin'], datasets: [], jti: 'j2', exp: 0 };
const request: CatalogChangeRequest = { dataset: 'population', reason: 'review', edits: [{ op: 'set_level', table: 'residents', column: 'gender', level: 'L3' }] };

const dirs: string[] = [];
const open = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-changes-'));
  dirs.push(d);
  const file = path.join(d, 'governance.ndjson');
  return { file, book: new CatalogChangeBook(openNdjsonEventLog(file), calendar, files) };
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('CatalogChangeBook deadlines', () => {
  it('is due for review five working days later, skipping the weekend and the holiday, and overdue only after that day', () => {
    const { book } = open();
    // Friday 10:00 local → Mon 30, (Tue 1 holiday), Wed 2, Thu 3, Fri 4, (weekend), Mon 7.
    const c = book.propose(steward, request, new Date('2026-11-27T02:00:00Z')).change;
    expect(c.reviewDeadline).toBe('2026-12-07');
    expect(book.view(c, new Date('2026-12-07T15:00:00Z')).overdue).toBe(false);
    expect(book.view(c, new Date('2026-12-07T16:30:00Z')).overdue).toBe(true);
  });

  it('is due for update ten working days after the approval, overdue after that, and no longer once applied', () => {
    const { book } = open();
    const c = book.propose(steward, request, new Date('2026-11-27T02:00:00Z')).change;
    const a = book.review(admin, c.id, 'approve', undefined, new Date('2026-12-07T02:00:00Z')).change;
    expect(a.updateDeadline).toBe('2026-12-21');
    expect(book.view(a, new Date('2026-12-08T02:00:00Z')).overdue).toBe(false);
    expect(book.view(a, new Date('2026-12-21T15:00:00Z')).overdue).toBe(false);
    expect(book.view(a, new Date('2026-12-21T16:30:00Z')).overdue).toBe(true);
    expect(book.overdueCount(new Date('2026-12-21T16:30:00Z'))).toBe(1);
    const done = book.markApplied(admin, c.id, { version: 2, hash: 'a'.repeat(16) }, new Date('2026-12-22T02:00:00Z')).change;
    expect(book.view(done, new Date('2027-01-30T02:00:00Z')).overdue).toBe(false);
  });

  it('is never overdue once rejected', () => {
    const { book } = open();
    const c = book.propose(steward, request, new Date('2026-11-27T02:00:00Z')).change;
    const r = book.review(admin, c.id, 'reject', 'not needed', new Date('2026-12-09T02:00:00Z')).change;
    expect(book.view(r, new Date('2027-06-01T02:00:00Z')).overdue).toBe(false);
  });
});

describe('CatalogChangeBook replay', () => {
  it('rebuilds states, deadlines, the applied changes in order and the last recorded version from the log', () => {
    const { file, book } = open();
    const c = book.propose(steward, request, new Date('2026-11-27T02:00:00Z')).change;
    book.review(admin, c.id, 'approve', undefined, new Date('2026-12-07T02:00:00Z'));
    const datasets = book.candidate(steward, c.id);
    book.markApplied(steward, c.id, { version: 2, hash: 'b'.repeat(16) });
    book.recordVersion(admin, 'catalog.reloaded', { version: 3, hash: 'c'.repeat(16) });
    const replayed = new CatalogChangeBook(openNdjsonEventLog(file), calendar, files);
    expect(replayed.get(c.id)).toMatchObject({ state: 'applied', reviewDeadline: '2026-12-07', updateDeadline: '2026-12-21', applied: { version: 2, by: 'psb' } });
    expect(replayed.recordedVersion()).toEqual({ version: 3, hash: 'c'.repeat(16) });
    const again = makeCatalog(replayed.reapply(files.datasets));
    expect(again.table('population', 'residents')!.table.columns.find((x) => x.name === 'gender')!.level).toBe('L3');
    expect(again.datasets).toEqual(datasets);
  });

  it('records nothing for a refused transition', () => {
    const { file, book } = open();
    const c = book.propose(steward, request).change;
    expect(codeOf(() => book.candidate(steward, c.id))).toBe('CONFLICT');
    expect(codeOf(() => book.review(steward, c.id, 'approve', undefined))).toBe('FORBIDDEN');
    expect(codeOf(() => book.propose(steward, { ...request, dataset: 'health' }))).toBe('FORBIDDEN');
    expect(openNdjsonEventLog(file).events).toHaveLength(1);
  });
});
