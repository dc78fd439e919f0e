// Incident response (Measures art. 26): in one call an admin revokes licenses (by subject or token id, in
// $DSBX_HOME/revoked.json, which the token verifier re-reads on change) and suspends datasets. The
// revocation file is replaced atomically so a reader never sees half a list.
import fs from 'node:fs';
import path from 'node:path';
import { type } from 'arktype';
import type { Principal } from '../auth/principal.ts';
import type { Catalog } from '../catalog/schema.ts';
import { AppError } from '../errors.ts';
import type { DatasetStatusBoard } from './dataset-status.ts';
import type { GovernanceEventLog } from './event-log.ts';

export const IncidentRequestSchema = type({
  'revoke?': { 'subjects?': type('0 < string <= 200').array(), 'tokenIds?': type('0 < string <= 200').array(), '+': 'reject' },
  'suspend?': type(/^[a-z][a-z0-9_]*$/).array(),
  /** Lifts an earlier suspension once the incident is handled. */
  'restore?': type(/^[a-z][a-z0-9_]*$/).array(),
  reason: '0 < string <= 1000',
  '+': 'reject',
});
export type IncidentRequest = typeof IncidentRequestSchema.infer;

const RevokedFileSchema = type({ 'jti?': 'string[]', 'sub?': 'string[]', '+': 'reject' });

/** Adds subjects and token ids to the revocation list, keeping what is there; fsync'd, then renamed into place. */
export function addRevocations(file: string, add: { sub: readonly string[]; jti: readonly string[] }): void {
  let current: { jti?: string[]; sub?: string[] } = {};
  if (fs.existsSync(file)) {
    const parsed = RevokedFileSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
    // A damaged list already refuses every token (fail closed); overwriting it could lift revocations.
    if (parsed instanceof type.errors) throw new AppError('INTERNAL', 'the revocation list could not be updated');
    current = parsed;
  }
  const next = {
    jti: [...new Set([...(current.jti ?? []), ...add.jti])],
    sub: [...new Set([...(current.sub ?? []), ...add.sub])],
  };
  const tmp = path.join(path.dirname(file), `.revoked.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(next, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export interface IncidentOutcome {
  readonly revokedSubjects: readonly string[];
  readonly revokedTokenIds: readonly string[];
  readonly suspended: readonly string[];
  readonly restored: readonly string[];
}

export function respondToIncident(
  by: Principal,
  req: IncidentRequest,
  deps: { log: GovernanceEventLog; board: DatasetStatusBoard; catalog: Catalog; revokedFile: string },
  now = new Date(),
): IncidentOutcome {
  const suspend = [...new Set(req.suspend ?? [])];
  const restore = [...new Set(req.restore ?? [])];
  if ([...suspend, ...restore].some((d) => !deps.catalog.dataset(d))) throw new AppError('BAD_REQUEST', 'a dataset to suspend or restore is not in the catalog');
  if (restore.some((d) => suspend.includes(d))) throw new AppError('BAD_REQUEST', 'a dataset cannot be suspended and restored in one call');
  const sub = [...new Set(req.revoke?.subjects ?? [])];
  const jti = [...new Set(req.revoke?.tokenIds ?? [])];
  if (!suspend.length && !restore.length && !sub.length && !jti.length) throw new AppError('BAD_REQUEST', 'an incident response revokes, suspends or restores something');
  // Revocation first: if suspending failed after it, the licenses are still cut off (the safer half).
  if (sub.length || jti.length) addRevocations(deps.revokedFile, { sub, jti });
  const ev = deps.log.append({ type: 'incident.suspended', subject: `incident-${now.getTime()}`, actor: { sub: by.sub, org: by.org }, data: { reason: req.reason, datasets: suspend, revokedSubjects: sub, revokedTokenIds: jti } }, now);
  deps.board.apply(ev);
  if (restore.length) {
    const back = deps.log.append({ type: 'incident.restored', subject: ev.subject, actor: { sub: by.sub, org: by.org }, data: { reason: req.reason, datasets: restore } }, now);
    deps.board.apply(back);
  }
  return { revokedSubjects: sub, revokedTokenIds: jti, suspended: suspend, restored: restore };
}
