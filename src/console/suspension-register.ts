// The suspended and withdrawn datasets with who decided it, why and since when. Whether a dataset is
// suspended comes from the live governance status board; who/why/since is the last event of the governance
// event log (read only, from its file) that set that status. Which event sets which status is asked of
// DatasetStatusBoard itself (probe boards), so that rule stays in one place (governance/dataset-status.ts).
import fs from 'node:fs';
import path from 'node:path';
import { type } from 'arktype';
import { makeCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/schema.ts';
import { DatasetStatusBoard, type DatasetStatus } from '../governance/dataset-status.ts';
import { GovernanceEventSchema, type GovernanceEvent } from '../governance/event-log.ts';

/** Where governance/governance.ts's openGovernance keeps the event log, under $DSBX_HOME/state. */
export const GOVERNANCE_LOG_FILE = 'governance.ndjson';

export interface SuspensionNote {
  readonly dataset: string;
  readonly status: Extract<DatasetStatus, 'suspended' | 'withdrawn'>;
  /** How it came about: a steward's objection resolution, an admin's incident response, or dataset.yaml itself. */
  readonly source: 'objection' | 'incident' | 'catalog';
  /** Absent when no event in the log explains the status (the catalog entry says so, or the log is unreadable). */
  readonly since?: string;
  readonly by?: { readonly sub: string; readonly org: string };
  readonly reason?: string;
}

/**
 * Every complete, valid event of the log, oldest first. Read only: the service appends to the same file, so
 * a last line without its newline (being written) is left out, and reading stops at the first line that is
 * not a valid event in sequence (the service itself would refuse to start on such a log).
 */
export function readGovernanceEvents(stateDir: string): GovernanceEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(stateDir, GOVERNANCE_LOG_FILE), 'utf8');
  } catch {
    return [];
  }
  const events: GovernanceEvent[] = [];
  for (const line of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      break;
    }
    const ev = GovernanceEventSchema(parsed);
    if (ev instanceof type.errors || ev.seq !== events.length + 1) break;
    events.push(ev);
  }
  return events;
}

const isOff = (s: DatasetStatus | undefined): s is SuspensionNote['status'] => s === 'suspended' || s === 'withdrawn';

/**
 * What status `ev` sets for `dataset`, if any, as DatasetStatusBoard decides it: an event that makes an all-active
 * catalog's dataset off sets "off"; one that makes an all-suspended catalog's dataset active sets "active".
 * Events that set nothing (applications, catalog changes, filings) leave the attribution alone.
 */
function statusSetBy(ev: GovernanceEvent, dataset: string, probes: { active: Catalog; suspended: Catalog }): DatasetStatus | undefined {
  const fromActive = new DatasetStatusBoard(probes.active, [ev]).status(dataset);
  if (fromActive !== 'active') return fromActive;
  return new DatasetStatusBoard(probes.suspended, [ev]).status(dataset) === 'active' ? 'active' : undefined;
}

/**
 * The datasets `current` reports suspended or withdrawn that `visible` admits, each with the event that last
 * put it in that status when the log has one.
 */
export function suspendedDatasets(
  catalog: Catalog,
  current: (dataset: string) => DatasetStatus | undefined,
  events: readonly GovernanceEvent[],
  visible: (dataset: string) => boolean,
): SuspensionNote[] {
  const probes = {
    active: makeCatalog(catalog.datasets.map((d) => ({ ...d, status: 'active' as const }))),
    suspended: makeCatalog(catalog.datasets.map((d) => ({ ...d, status: 'suspended' as const }))),
  };
  const lastOff = new Map<string, { ev: GovernanceEvent; status: DatasetStatus }>();
  for (const ev of events) {
    const named = Array.isArray(ev.data['datasets']) ? (ev.data['datasets'] as unknown[]).filter((d): d is string => typeof d === 'string') : [];
    for (const d of named) {
      const set = statusSetBy(ev, d, probes);
      if (isOff(set)) lastOff.set(d, { ev, status: set });
      else if (set === 'active') lastOff.delete(d);
    }
  }
  const notes: SuspensionNote[] = [];
  for (const ds of catalog.datasets) {
    const status = current(ds.id);
    if (!isOff(status) || !visible(ds.id)) continue;
    const last = lastOff.get(ds.id);
    // The event explains the status only if it set this very status (the live board may be newer than the file read).
    if (!last || last.status !== status) {
      notes.push({ dataset: ds.id, status, source: last ? sourceOf(last.ev) : 'catalog' });
      continue;
    }
    const reason = last.ev.data['reason'];
    notes.push({
      dataset: ds.id,
      status,
      source: sourceOf(last.ev),
      since: last.ev.time,
      by: { sub: last.ev.actor.sub, org: last.ev.actor.org },
      ...(typeof reason === 'string' ? { reason } : {}),
    });
  }
  return notes;
}

const sourceOf = (ev: GovernanceEvent): SuspensionNote['source'] => (ev.type.startsWith('incident.') ? 'incident' : 'objection');
