// The governance service a running instance holds: the event log, the state machines replayed from it,
// the calendar, and the lineage recording of every transition. Opened at startup, closed at shutdown.
import path from 'node:path';
import type { Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import type { LineageStore } from '../lineage/store.ts';
import { ApplicationBook } from './applications.ts';
import { openNdjsonEventLog, type GovernanceEventLog } from './event-log.ts';
import { governanceLineageEntry, type GovernanceFacts, type GovernanceLineageContext } from './lineage-entry.ts';
import type { WorkingDayCalendar } from './working-days.ts';

export class Governance {
  readonly applications: ApplicationBook;
  readonly calendar: WorkingDayCalendar;
  readonly #log: GovernanceEventLog;
  readonly #lineage: LineageStore;
  readonly #ctx: GovernanceLineageContext;

  constructor(opts: { log: GovernanceEventLog; calendar: WorkingDayCalendar; catalog: Catalog; lineage: LineageStore; context: GovernanceLineageContext }) {
    this.#log = opts.log;
    this.calendar = opts.calendar;
    this.#lineage = opts.lineage;
    this.#ctx = opts.context;
    this.applications = new ApplicationBook(opts.log, opts.calendar, opts.catalog);
  }

  /** Writes (and fsyncs) the lineage record of a transition; resolves to its id. */
  async record(by: Principal, facts: GovernanceFacts): Promise<string> {
    return (await this.#lineage.append(governanceLineageEntry(by, facts, this.#ctx))).id;
  }

  close(): void {
    this.#log.close();
  }
}

export function openGovernance(opts: { stateDir: string; calendar: WorkingDayCalendar; catalog: Catalog; lineage: LineageStore; context: GovernanceLineageContext }): Governance {
  const log = openNdjsonEventLog(path.join(opts.stateDir, 'governance.ndjson'));
  return new Governance({ log, calendar: opts.calendar, catalog: opts.catalog, lineage: opts.lineage, context: opts.context });
}
