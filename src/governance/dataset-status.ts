// The governance overlay on the catalog's dataset status: suspensions and withdrawals decided by stewards
// (objections, art. 19) and admins (incidents, art. 26). Each one is a hold on the dataset, lifted only by
// the party that placed it (the same objection, or an incident restore); the dataset is active again only
// once no hold remains, so restoring one objection cannot lift what another objection or an incident holds.
import type { Catalog, Dataset } from '../catalog/schema.ts';
import type { GovernanceEvent } from './event-log.ts';

export type DatasetStatus = Dataset['status'];

/** A hold keeps a dataset from being read; `withdrawn` outranks `suspended` when both are held. */
type HoldStatus = Exclude<DatasetStatus, 'active'>;

/** What each status-setting event does to the hold its source (one objection, or incident response) has. */
const HOLD_BY_EVENT: Readonly<Record<string, HoldStatus | 'lift'>> = {
  'objection.suspended': 'suspended',
  'objection.withdrawn': 'withdrawn',
  'objection.restored': 'lift',
  'objection.reopened': 'lift',
  'incident.suspended': 'suspended',
  'incident.restored': 'lift',
};

/** Incident response acts as one party: an incident restore lifts every incident suspension of the dataset. */
const holderOf = (ev: GovernanceEvent): string => (ev.type.startsWith('incident.') ? 'incident' : `objection:${ev.subject}`);

export interface DatasetHold {
  readonly holder: string;
  readonly status: HoldStatus;
}

export class DatasetStatusBoard {
  readonly #catalog: Catalog;
  /** dataset → holder → what it holds. */
  readonly #holds = new Map<string, Map<string, HoldStatus>>();

  constructor(catalog: Catalog, events: readonly GovernanceEvent[]) {
    this.#catalog = catalog;
    for (const ev of events) this.apply(ev);
  }

  /** Folds one event in; events that set no status are ignored. `data.datasets` names the datasets affected. */
  apply(ev: GovernanceEvent): void {
    const effect = HOLD_BY_EVENT[ev.type];
    const datasets = ev.data['datasets'];
    if (!effect || !Array.isArray(datasets)) return;
    const holder = holderOf(ev);
    for (const d of datasets) {
      if (typeof d !== 'string') continue;
      const holds = this.#holds.get(d) ?? new Map<string, HoldStatus>();
      if (effect === 'lift') holds.delete(holder);
      else holds.set(holder, effect);
      if (holds.size) this.#holds.set(d, holds);
      else this.#holds.delete(d);
    }
  }

  /** The holds on a dataset now, oldest first. */
  holds(dataset: string): DatasetHold[] {
    return [...(this.#holds.get(dataset) ?? new Map<string, HoldStatus>())].map(([holder, status]) => ({ holder, status }));
  }

  /**
   * Withdrawn if any hold withdraws it, else suspended if any hold suspends it, else the catalog's status;
   * undefined for an unknown dataset. Governance only ever adds restrictions to what the catalog says.
   */
  status(dataset: string): DatasetStatus | undefined {
    const fromCatalog = this.#catalog.dataset(dataset)?.status;
    if (fromCatalog === undefined) return undefined;
    const held = new Set(this.#holds.get(dataset)?.values() ?? []);
    if (held.has('withdrawn') || fromCatalog === 'withdrawn') return 'withdrawn';
    if (held.has('suspended')) return 'suspended';
    return fromCatalog;
  }
}
