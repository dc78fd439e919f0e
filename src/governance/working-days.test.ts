// Working-day deadline arithmetic across weekends, a configured holiday and an adjusted working weekend day.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalendar, WorkingDayCalendar } from './working-days.ts';

// 2026-11-27 is a Friday; 2026-12-01 (a Tuesday) is configured as a holiday here; 2026-12-05 (Saturday) is worked.
const cal = new WorkingDayCalendar({ utcOffsetMinutes: 480, holidays: ['2026-12-01'], workdays: ['2026-12-05'] });
const at = (iso: string) => new Date(iso);

describe('WorkingDayCalendar', () => {
  it('gives a Monday submission until Tuesday', () => {
    expect(cal.deadline(at('2026-11-23T03:00:00Z'), 1)).toBe('2026-11-24');
  });
  it('skips the weekend: a Friday submission is due on Monday', () => {
    expect(cal.deadline(at('2026-11-27T03:00:00Z'), 1)).toBe('2026-11-30');
  });
  it('skips a configured holiday: a Monday submission before a Tuesday holiday is due on Wednesday', () => {
    expect(cal.deadline(at('2026-11-30T03:00:00Z'), 1)).toBe('2026-12-02');
  });
  it('counts from the next working day when submitted on a Saturday, across weekend and holiday', () => {
    expect(cal.deadline(at('2026-11-28T03:00:00Z'), 2)).toBe('2026-12-02');
  });
  it('counts an adjusted working Saturday as a working day', () => {
    expect(cal.deadline(at('2026-12-04T03:00:00Z'), 1)).toBe('2026-12-05');
  });
  it('uses the city\'s local date, not UTC: 20:00 UTC Friday is already Saturday in UTC+8', () => {
    expect(cal.deadline(at('2026-11-27T20:00:00Z'), 1)).toBe('2026-11-30');
  });
  it('flags overdue only after the deadline date has passed locally', () => {
    expect(cal.isOverdue('2026-11-30', at('2026-11-30T15:59:00Z'))).toBe(false);
    expect(cal.isOverdue('2026-11-30', at('2026-11-30T16:00:00Z'))).toBe(true);
  });
  it('counts working days between two instants', () => {
    expect(cal.workingDaysBetween(at('2026-11-27T03:00:00Z'), at('2026-12-02T03:00:00Z'))).toBe(2);
  });
  it('refuses a non-positive number of working days', () => {
    expect(() => cal.deadline(at('2026-11-27T03:00:00Z'), 0)).toThrow();
  });
  it('loads the project calendar and treats National Day 2026-10-01 as a holiday', () => {
    const c = loadCalendar(path.resolve(import.meta.dirname, '../../policies'));
    expect(c.isWorkingDay('2026-10-01')).toBe(false);
    expect(c.isWorkingDay('2026-10-10')).toBe(true);
  });
});
