// The governance service a running instance holds: the event log, the state machines replayed from it
// (applications, objections, the dataset status overlay), the calendar, incident response, and the
// lineage recording of every transition. Opened with the query path, closed with it.
import path from 'node:path';
import type { Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import type { LineageStore } from '../lineage/store.ts';
import { ApplicationBook } from './applications.ts';
import { CatalogChangeBook } from './catalog-changes.ts';
import { DatasetStatusBoard } from './dataset-status.ts';
import { openNdjsonEventLog, type GovernanceEventLog } from './event-log.ts';
import { EventRecordClaims, recordMissingTransitions } from './event-log-records.ts';
import { respondToIncident, type IncidentOutcome, type IncidentRequest } from './incidents.ts';
import { governanceLineageEntry, type GovernanceFacts, type GovernanceLineageContext } from './lineage-entry.ts';
import { ObjectionBook } from './objections.ts';
import type { WorkingDayCalendar } from './working-days.ts';

export interface GovernanceOptions {
  readonly log: GovernanceEventLog;
  readonly calendar: WorkingDayCalendar;
  readonly catalog: Catalog;
  readonly lineage: LineageStore;
  readonly context: GovernanceLineageContext;
  /** $DSBX_HOME/revoked.json */
  readonly revokedFile: string;
}

export class Governance {
  readonly applications: ApplicationBook;
  readonly objections: ObjectionBook;
  /** Catalog change proposals (art. 8) and the catalog's recorded version numbers. */
  readonly catalogChanges: CatalogChangeBook;
  readonly datasetStatus: DatasetStatusBoard;
  readonly calendar: WorkingDayCalendar;
  readonly #opts: GovernanceOptions;
  readonly #claims: EventRecordClaims;

  constructor(opts: GovernanceOptions) {
    this.#opts = opts;
    this.#claims = new EventRecordClaims(opts.log);
    this.calendar = opts.calendar;
    this.applications = new ApplicationBook(opts.log, opts.calendar, opts.catalog);
    this.datasetStatus = new DatasetStatusBoard(opts.catalog, opts.log.events);
    this.objections = new ObjectionBook(opts.log, opts.catalog, this.datasetStatus);
    this.catalogChanges = new CatalogChangeBook(opts.log, opts.calendar, opts.catalog);
  }

  /** Writes (and fsyncs) the lineage record of a transition, naming the log events it wrote; resolves to its id. */
  async record(by: Principal, facts: GovernanceFacts): Promise<string> {
    const events = facts.events ?? this.#claims.claim(by.sub);
    return (await this.#opts.lineage.append(governanceLineageEntry(by, { ...facts, events }, this.#opts.context))).id;
  }

  /** At startup: records, marked recovered, the transitions a crash left without a lineage record; their seqs. */
  recoverUnrecorded(): Promise<number[]> {
    return recordMissingTransitions(this.#opts.log.events, this.#opts.lineage, this.#opts.context);
  }

  respondToIncident(by: Principal, req: IncidentRequest): IncidentOutcome {
    const o = this.#opts;
    return respondToIncident(by, req, { log: o.log, board: this.datasetStatus, catalog: o.catalog, revokedFile: o.revokedFile });
  }

  close(): void {
    this.#opts.log.close();
  }
}

export function openGovernance(opts: Omit<GovernanceOptions, 'log'> & { stateDir: string }): Governance {
  const log = openNdjsonEventLog(path.join(opts.stateDir, 'governance.ndjson'));
  return new Governance({ ...opts, log });
}
