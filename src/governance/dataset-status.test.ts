// The dataset status overlay: every objection and incident holds its own suspension, and a dataset is active
// again only once no hold remains.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import { DatasetStatusBoard } from './dataset-status.ts';
import type { GovernanceEvent } from './event-log.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '..', '..', 'datasets'));

let seq = 0;
const ev = (type: string, subject: string, datasets: string[]): GovernanceEvent => ({
  seq: ++seq, time: '2026-03-02T01:00:00.000Z', type, subject, actor: { sub: 's', org: 'o' }, data: { reason: 'r', datasets },
});
const board = (...events: GovernanceEvent[]) => new DatasetStatusBoard(catalog, events);

describe('DatasetStatusBoard', () => {
  it('shows the catalog status when nothing is held, and undefined for an unknown dataset', () => {
    const b = board();
    expect(b.status('transit')).toBe('active');
    expect(b.status('nope')).toBeUndefined();
  });

  it('keeps a dataset suspended when one of two suspending objections is restored', () => {
    const b = board(ev('objection.suspended', 'A', ['transit']), ev('objection.suspended', 'B', ['transit']), ev('objection.restored', 'B', ['transit']));
    expect(b.status('transit')).toBe('suspended');
    expect(b.holds('transit')).toEqual([{ holder: 'objection:A', status: 'suspended' }]);
    b.apply(ev('objection.reopened', 'A', ['transit']));
    expect(b.status('transit')).toBe('active');
    expect(b.holds('transit')).toEqual([]);
  });

  it('keeps an incident suspension when an objection on the same dataset is restored', () => {
    const b = board(ev('objection.suspended', 'A', ['transit']), ev('incident.suspended', 'incident-1', ['transit']), ev('objection.restored', 'A', ['transit']));
    expect(b.status('transit')).toBe('suspended');
    b.apply(ev('incident.restored', 'incident-2', ['transit']));
    expect(b.status('transit')).toBe('active');
  });

  it('keeps an objection suspension when the incident response restores the dataset', () => {
    const b = board(ev('incident.suspended', 'incident-1', ['utilities']), ev('objection.suspended', 'A', ['utilities']), ev('incident.restored', 'incident-2', ['utilities']));
    expect(b.status('utilities')).toBe('suspended');
  });

  it('ranks a withdrawal above a suspension, whichever came first', () => {
    const b = board(ev('objection.withdrawn', 'A', ['transit']), ev('objection.suspended', 'B', ['transit']));
    expect(b.status('transit')).toBe('withdrawn');
    b.apply(ev('objection.reopened', 'A', ['transit']));
    expect(b.status('transit')).toBe('suspended');
  });

  it('lets one objection move its own hold from suspended to withdrawn and lift it by reopening', () => {
    const b = board(ev('objection.suspended', 'A', ['transit']), ev('objection.withdrawn', 'A', ['transit']));
    expect(b.holds('transit')).toEqual([{ holder: 'objection:A', status: 'withdrawn' }]);
    b.apply(ev('objection.reopened', 'A', ['transit']));
    expect(b.status('transit')).toBe('active');
  });

  it('affects only the datasets an event names, and ignores events that set no status', () => {
    const b = board(ev('incident.suspended', 'incident-1', ['utilities']), ev('objection.filed', 'A', ['transit']), ev('application.approved', 'X', ['transit']));
    expect(b.status('utilities')).toBe('suspended');
    expect(b.status('transit')).toBe('active');
    expect(b.status('population')).toBe('active');
  });

  it('never lifts what the catalog itself says: a dataset suspended in its entry stays suspended', () => {
    const suspended = makeCatalog(catalog.datasets.map((d) => (d.id === 'transit' ? { ...d, status: 'suspended' as const } : d)));
    const b = new DatasetStatusBoard(suspended, [ev('objection.suspended', 'A', ['transit']), ev('objection.reopened', 'A', ['transit'])]);
    expect(b.status('transit')).toBe('suspended');
  });
});
