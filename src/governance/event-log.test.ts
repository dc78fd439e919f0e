// The governance event log survives a restart, cuts a torn tail and refuses a damaged line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GovernanceLogError, openNdjsonEventLog } from './event-log.ts';

const dirs: string[] = [];
const tmpFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-gov-'));
  dirs.push(d);
  return path.join(d, 'state', 'governance.ndjson');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ev = (subject: string) => ({ type: 'application.submitted', subject, actor: { sub: 'a', org: 'o' }, data: { n: 1 } });

describe('openNdjsonEventLog', () => {
  it('replays every appended event, in order, after a reopen', () => {
    const file = tmpFile();
    const log = openNdjsonEventLog(file);
    log.append(ev('x'));
    log.append(ev('y'));
    log.close();
    const again = openNdjsonEventLog(file);
    expect(again.events.map((e) => [e.seq, e.subject])).toEqual([[1, 'x'], [2, 'y']]);
    expect(again.append(ev('z')).seq).toBe(3);
    again.close();
  });

  it('cuts a torn final line and keeps the complete ones', () => {
    const file = tmpFile();
    const log = openNdjsonEventLog(file);
    log.append(ev('x'));
    log.close();
    fs.appendFileSync(file, '{"seq":2,"ti');
    const again = openNdjsonEventLog(file);
    expect(again.events).toHaveLength(1);
    expect(again.append(ev('y')).seq).toBe(2);
    again.close();
    expect(openNdjsonEventLog(file).events).toHaveLength(2);
  });

  it('refuses to open a log with a damaged complete line', () => {
    const file = tmpFile();
    const log = openNdjsonEventLog(file);
    log.append(ev('x'));
    log.close();
    fs.appendFileSync(file, '{"seq":5}\n');
    expect(() => openNdjsonEventLog(file)).toThrow(GovernanceLogError);
  });
});
