// The working-day calendar for governance deadlines: weekends and configured public holidays (policies/
// calendar.yaml) are not working days; adjusted working weekend days are. Pure date arithmetic on local dates.
import path from 'node:path';
import { type } from 'arktype';
import { loadYamlFile } from '../catalog/load.ts';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export const CalendarSchema = type({
  utcOffsetMinutes: '-720 <= number.integer <= 840',
  holidays: type(isoDate).array(),
  'workdays?': type(isoDate).array(),
  '+': 'reject',
});

export type CalendarConfig = typeof CalendarSchema.infer;

const DAY_MS = 86_400_000;

export class WorkingDayCalendar {
  readonly #offsetMs: number;
  readonly #holidays: ReadonlySet<string>;
  readonly #workdays: ReadonlySet<string>;

  constructor(config: CalendarConfig) {
    this.#offsetMs = config.utcOffsetMinutes * 60_000;
    this.#holidays = new Set(config.holidays);
    this.#workdays = new Set(config.workdays ?? []);
  }

  /** The city's calendar date (YYYY-MM-DD) at an instant. */
  localDate(at: Date): string {
    return new Date(at.getTime() + this.#offsetMs).toISOString().slice(0, 10);
  }

  isWorkingDay(date: string): boolean {
    if (this.#workdays.has(date)) return true;
    if (this.#holidays.has(date)) return false;
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /**
   * The last local date on which something submitted at `submitted` is still on time: the Nth working day
   * after the submission date (a submission on a holiday or weekend starts counting from the next working day).
   */
  deadline(submitted: Date, workingDays: number): string {
    if (!Number.isInteger(workingDays) || workingDays < 1) throw new Error('working days must be a positive integer');
    let t = new Date(`${this.localDate(submitted)}T00:00:00Z`).getTime();
    let left = workingDays;
    while (left > 0) {
      t += DAY_MS;
      if (this.isWorkingDay(new Date(t).toISOString().slice(0, 10))) left--;
    }
    return new Date(t).toISOString().slice(0, 10);
  }

  /** True once the local date at `now` is past the deadline date. */
  isOverdue(deadline: string, now: Date): boolean {
    return this.localDate(now) > deadline;
  }

  /** Working days strictly after `from`'s local date up to and including `to`'s: a response time. */
  workingDaysBetween(from: Date, to: Date): number {
    const end = this.localDate(to);
    let t = new Date(`${this.localDate(from)}T00:00:00Z`).getTime();
    let n = 0;
    for (;;) {
      t += DAY_MS;
      const d = new Date(t).toISOString().slice(0, 10);
      if (d > end) return n;
      if (this.isWorkingDay(d)) n++;
    }
  }
}

export function loadCalendar(policiesDir: string): WorkingDayCalendar {
  return new WorkingDayCalendar(loadYamlFile(path.join(policiesDir, 'calendar.yaml'), CalendarSchema));
}
