// The durable governance state: an append-only NDJSON event log ($DSBX_HOME/state/governance.ndjson), each
// event fsync'd before it is acknowledged and replayed into the state machines at startup. The interface
// lets a PostgreSQL-backed log replace the file later without touching the state machines.
import fs from 'node:fs';
import path from 'node:path';
import { type } from 'arktype';

export const GovernanceEventSchema = type({
  seq: 'number.integer >= 1',
  time: 'string.date.iso',
  /** e.g. application.submitted, application.approved, objection.filed. */
  type: /^[a-z]+\.[a-z_]+$/,
  /** The application or objection the event belongs to. */
  subject: 'string > 0',
  actor: { sub: 'string', org: 'string', '+': 'reject' },
  data: 'Record<string, unknown>',
  '+': 'reject',
});

export type GovernanceEvent = typeof GovernanceEventSchema.infer;
export type NewGovernanceEvent = Omit<GovernanceEvent, 'seq' | 'time'>;

export interface GovernanceEventLog {
  /** Every event so far, oldest first. */
  readonly events: readonly GovernanceEvent[];
  /** Durable (written and fsync'd) when it returns. */
  append(event: NewGovernanceEvent, now?: Date): GovernanceEvent;
  close(): void;
}

export class GovernanceLogError extends Error {
  constructor(what: string) {
    super(`governance log: ${what}`);
    this.name = 'GovernanceLogError';
  }
}

/**
 * Opens (creating if needed) the NDJSON log. A torn final line (a crash mid-write, no newline) is cut off;
 * a complete line that does not parse stops startup: state decided from a damaged log would be wrong.
 */
export function openNdjsonEventLog(file: string): GovernanceEventLog {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const events: GovernanceEvent[] = [];
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, end), 'utf8'));
    for (const line of text.slice(0, end).split('\n')) {
      if (!line) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new GovernanceLogError(`line ${events.length + 1} is not JSON`);
      }
      const ev = GovernanceEventSchema(parsed);
      if (ev instanceof type.errors || ev.seq !== events.length + 1) throw new GovernanceLogError(`line ${events.length + 1} is not a valid event`);
      events.push(ev);
    }
  }
  const fd = fs.openSync(file, 'a');
  let closed = false;
  return {
    events,
    append(event, now = new Date()) {
      if (closed) throw new GovernanceLogError('closed');
      const full = GovernanceEventSchema.assert({ ...event, seq: events.length + 1, time: now.toISOString() });
      fs.writeSync(fd, `${JSON.stringify(full)}\n`);
      fs.fsyncSync(fd);
      events.push(full);
      return full;
    },
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
    },
  };
}
