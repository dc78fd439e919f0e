// The governance overlay on the catalog's dataset status: suspensions and withdrawals decided by stewards
// (objections, art. 19) and admins (incidents, art. 26) override dataset.yaml's status until lifted.
// Folded from the governance event log; the last status-setting event for a dataset wins.
import type { Catalog, Dataset } from '../catalog/schema.ts';
import type { GovernanceEvent } from './event-log.ts';

export type DatasetStatus = Dataset['status'];

/** Event types that set a dataset's status, and the status they set. */
const STATUS_BY_EVENT: Readonly<Record<string, DatasetStatus>> = {
  'objection.suspended': 'suspended',
  'objection.withdrawn': 'withdrawn',
  'objection.restored': 'active',
  'objection.reopened': 'active',
  'incident.suspended': 'suspended',
  'incident.restored': 'active',
};

export class DatasetStatusBoard {
  readonly #catalog: Catalog;
  readonly #override = new Map<string, DatasetStatus>();

  constructor(catalog: Catalog, events: readonly GovernanceEvent[]) {
    this.#catalog = catalog;
    for (const ev of events) this.apply(ev);
  }

  /** Folds one event in; events that set no status are ignored. `data.datasets` names the datasets affected. */
  apply(ev: GovernanceEvent): void {
    const status = STATUS_BY_EVENT[ev.type];
    const datasets = ev.data['datasets'];
    if (!status || !Array.isArray(datasets)) return;
    for (const d of datasets) if (typeof d === 'string') this.#override.set(d, status);
  }

  /** The status governance decided, else the catalog's; undefined for an unknown dataset. */
  status(dataset: string): DatasetStatus | undefined {
    return this.#override.get(dataset) ?? this.#catalog.dataset(dataset)?.status;
  }
}
