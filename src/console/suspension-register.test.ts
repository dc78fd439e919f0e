// The suspended-datasets list: who, why and since, found in the governance event log written by the real
// books (objections, incident response), and a log file being written or damaged read only as far as it is whole.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import { DatasetStatusBoard } from '../governance/dataset-status.ts';
import { openNdjsonEventLog, type GovernanceEventLog } from '../governance/event-log.ts';
import { respondToIncident } from '../governance/incidents.ts';
import { ObjectionBook } from '../governance/objections.ts';
import { GOVERNANCE_LOG_FILE, readGovernanceEvents, suspendedDatasets, SuspensionRegister } from './suspension-register.ts';

const catalog = loadCatalog(path.join(import.meta.dirname, '..', '..', 'datasets'));
const person = (sub: string, org: string, role: Principal['roles'][number]): Principal => ({ sub, org, roles: [role], datasets: 'all', jti: `${sub}-jti`, exp: 2e9 });
const steward = person('bus-steward', 'qqhr-bus', 'steward');
const admin = person('dmd-admin', 'qqhr-dmd', 'admin');
const citizen = person('citizen-1', 'public', 'developer');

let dir: string;
let log: GovernanceEventLog;
let board: DatasetStatusBoard;
let objections: ObjectionBook;
const everything = () => true;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-suspensions-'));
  log = openNdjsonEventLog(path.join(dir, GOVERNANCE_LOG_FILE));
  board = new DatasetStatusBoard(catalog, []);
  objections = new ObjectionBook(log, catalog, board);
});
afterEach(() => {
  log.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const list = () => suspendedDatasets(catalog, (d) => board.status(d), readGovernanceEvents(dir), everything);

describe('suspendedDatasets', () => {
  it('names the steward, the reason and the time of an objection suspension', () => {
    const o = objections.file(citizen, { dataset: 'transit', ground: 'personal_privacy', description: 'identifiable trips' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'reviewing trip data', new Date('2026-11-20T08:00:00Z'));
    expect(list()).toEqual([
      { dataset: 'transit', status: 'suspended', source: 'objection', since: '2026-11-20T08:00:00.000Z', by: { sub: 'bus-steward', org: 'qqhr-bus' }, reason: 'reviewing trip data' },
    ]);
  });

  it('keeps the attribution when a later event that sets no status names the dataset', () => {
    const o = objections.file(citizen, { dataset: 'transit', ground: 'error', description: 'wrong fares' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'first look');
    log.append({ type: 'catalog.change_proposed', subject: 'change-1', actor: { sub: 'someone', org: 'qqhr-bus' }, data: { datasets: ['transit'], reason: 'a new column' } });
    expect(list()).toMatchObject([{ dataset: 'transit', by: { sub: 'bus-steward' }, reason: 'first look' }]);
  });

  it('follows the last decision: a withdrawal after a suspension, and nothing once restored', () => {
    const o = objections.file(citizen, { dataset: 'transit', ground: 'error', description: 'wrong fares' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'first look');
    objections.resolve(steward, o.id, 'withdraw', 'fares are wrong');
    expect(list()).toMatchObject([{ dataset: 'transit', status: 'withdrawn', reason: 'fares are wrong' }]);
    objections.resolve(steward, o.id, 'reopen', 'fares corrected');
    expect(list()).toEqual([]);
  });

  it("names the admin and the incident's reason for an incident suspension, and keeps to the datasets `visible` admits", () => {
    respondToIncident(admin, { suspend: ['utilities', 'health'], reason: 'credential leak' }, { log, board, catalog, revokedFile: path.join(dir, 'revoked.json') });
    const notes = new Map(list().map((n) => [n.dataset, [n.source, n.by?.sub, n.reason]]));
    expect(notes).toEqual(new Map([['health', ['incident', 'dmd-admin', 'credential leak']], ['utilities', ['incident', 'dmd-admin', 'credential leak']]]));
    expect(suspendedDatasets(catalog, (d) => board.status(d), readGovernanceEvents(dir), (d) => d === 'health').map((n) => n.dataset)).toEqual(['health']);
  });

  it('lists a dataset the catalog entry itself suspends, without inventing who or why', () => {
    const suspendedInYaml = makeCatalog(catalog.datasets.map((d) => (d.id === 'market' ? { ...d, status: 'suspended' as const } : d)));
    const yamlBoard = new DatasetStatusBoard(suspendedInYaml, []);
    expect(suspendedDatasets(suspendedInYaml, (d) => yamlBoard.status(d), [], everything)).toEqual([{ dataset: 'market', status: 'suspended', source: 'catalog' }]);
  });
});

describe('SuspensionRegister', () => {
  it('folds in only what was appended since the last visit, a half-written line once it is whole', () => {
    const register = new SuspensionRegister(catalog, dir);
    const notes = () => register.notes((d) => board.status(d), everything);
    expect(notes()).toEqual([]);
    const o = objections.file(citizen, { dataset: 'transit', ground: 'error', description: 'wrong fares' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'first look');
    expect(notes()).toMatchObject([{ dataset: 'transit', reason: 'first look' }]);
    // A line still being written: the live board already says withdrawn, the file does not yet explain it.
    const file = path.join(dir, GOVERNANCE_LOG_FILE);
    const ev = log.append({ type: 'objection.withdrawn', subject: o.id, actor: { sub: 'bus-steward', org: 'qqhr-bus' }, data: { reason: 'fares are wrong 票价', datasets: ['transit'] } });
    board.apply(ev);
    const whole = fs.readFileSync(file);
    const cut = whole.length - 10;
    fs.writeFileSync(file, whole.subarray(0, cut));
    expect(notes()).toEqual([{ dataset: 'transit', status: 'withdrawn', source: 'objection' }]);
    fs.appendFileSync(file, whole.subarray(cut));
    expect(notes()).toMatchObject([{ dataset: 'transit', status: 'withdrawn', reason: 'fares are wrong 票价', by: { sub: 'bus-steward' } }]);
  });

  it('starts over when the log file was replaced by a shorter one', () => {
    const register = new SuspensionRegister(catalog, dir);
    const o = objections.file(citizen, { dataset: 'transit', ground: 'error', description: 'x' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'y');
    expect(register.notes((d) => board.status(d), everything)).toHaveLength(1);
    fs.writeFileSync(path.join(dir, GOVERNANCE_LOG_FILE), '');
    expect(register.notes((d) => board.status(d), everything)).toEqual([{ dataset: 'transit', status: 'suspended', source: 'catalog' }]);
  });
});

describe('readGovernanceEvents', () => {
  it('reads nothing when there is no log yet', () => {
    expect(readGovernanceEvents(path.join(dir, 'absent'))).toEqual([]);
  });

  it('leaves out a line still being written and stops at a damaged one', () => {
    const o = objections.file(citizen, { dataset: 'transit', ground: 'error', description: 'x' }).objection;
    objections.resolve(steward, o.id, 'suspend', 'y');
    const file = path.join(dir, GOVERNANCE_LOG_FILE);
    fs.appendFileSync(file, '{"seq":3,"time":');
    expect(readGovernanceEvents(dir)).toHaveLength(2);
    fs.appendFileSync(file, '"not an event"}\n{"seq":4}\n');
    expect(readGovernanceEvents(dir)).toHaveLength(2);
  });
});
