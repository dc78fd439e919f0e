// `dsbx lineage verify` and `dsbx lineage export`: what a security reviewer runs on the server or on a
// copy of the lineage folder, with nothing but the folder and the server's public key.
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { type } from 'arktype';
import type { JWK } from 'jose';
import { homePaths, loadConfig } from '../config.ts';
import type { VerificationKey } from '../lineage/checkpoint.ts';
import { toOpenLineageNdjson } from '../lineage/openlineage.ts';
import { readLineageRecords } from '../lineage/record-reader.ts';
import { verifyLineage } from '../lineage/verify.ts';

export const help = `usage: dsbx lineage verify [--dir DIR] [--jwks FILE] [--json]
       dsbx lineage export --format openlineage [--dir DIR] [--out FILE]

verify   recomputes every record's hash, checks every link and position, and checks every signed
         checkpoint with the public key. Exit 0 only when the log is intact; exit 1 naming the first bad
         record otherwise; exit 2 when the folder or the key cannot be used.
export   writes one OpenLineage RunEvent per record as NDJSON (stdout unless --out).

options:
  --dir DIR       the lineage folder (default $DSBX_HOME/lineage)
  --jwks FILE     the server's public key: a JWK or a JWKS {"keys":[...]}
                  (default $DSBX_HOME/keys/signing.public.jwk.json)
  --json          print the verification report as JSON
  --format NAME   export format; only "openlineage"
  --out FILE      write the export to FILE`;

const OPTIONS = {
  dir: { type: 'string' },
  jwks: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

const usageError = (message: string): number => {
  console.error(`dsbx lineage: ${message}\n\n${help}`);
  return 2;
};

/** Only the public members of an Ed25519 key are kept: a private JWK given by mistake is not carried further. */
const PublicJwkSchema = type({ kty: "'OKP'", crv: "'Ed25519'", x: 'string > 0', 'kid?': 'string', 'alg?': "'EdDSA'", '+': 'delete' });
const JwksSchema = type({ keys: PublicJwkSchema.array().atLeastLength(1), '+': 'delete' });

async function readKey(file: string): Promise<VerificationKey | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const isSet = typeof parsed === 'object' && parsed !== null && 'keys' in parsed;
  const checked = isSet ? JwksSchema(parsed) : PublicJwkSchema(parsed);
  return checked instanceof type.errors ? undefined : (checked as JWK | { keys: JWK[] });
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  let values: { dir?: string; jwks?: string; json?: boolean; format?: string; out?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  const paths = homePaths(loadConfig().home);
  const dir = values.dir ?? paths.lineage;
  if (sub === 'verify') return verify(dir, values.jwks ?? paths.publicKey, values.json === true);
  if (sub === 'export') {
    if (values.format !== 'openlineage') return usageError('--format openlineage is required');
    return exportOpenLineage(dir, values.out);
  }
  return usageError(sub ? `unknown subcommand ${JSON.stringify(sub)}` : 'missing subcommand');
}

async function verify(dir: string, keyFile: string, json: boolean): Promise<number> {
  if (!(await isDirectory(dir))) return usageError('the lineage folder does not exist (--dir)');
  const publicJwk = await readKey(keyFile);
  if (!publicJwk) return usageError('the public key file (--jwks) is missing or is not an Ed25519 JWK or JWKS');
  const report = await verifyLineage({ dir, publicJwk });
  if (json) console.log(JSON.stringify(report, null, 2));
  if (report.ok) {
    if (!json) console.log(`lineage intact: ${report.count} records, head ${report.head}, ${report.checkpoints.verified} signed checkpoints verified`);
    return 0;
  }
  const bad = report.firstBad!;
  console.error(`lineage NOT intact: first bad record at seq ${bad.seq}${bad.id ? ` (id ${bad.id})` : ''}: ${bad.reason}`);
  return 1;
}

async function exportOpenLineage(dir: string, out: string | undefined): Promise<number> {
  if (!(await isDirectory(dir))) return usageError('the lineage folder does not exist (--dir)');
  let sink: Writable = process.stdout;
  if (out !== undefined) {
    // Never overwrite: an earlier export may be the copy someone is relying on.
    const handle = await fs.open(out, 'wx').catch(() => undefined);
    if (!handle) return usageError('the output file already exists or cannot be created (--out)');
    sink = handle.createWriteStream();
  }
  let events = 0;
  for await (const line of toOpenLineageNdjson(readLineageRecords(dir))) {
    events += 1;
    if (!sink.write(line)) await new Promise((resolve) => sink.once('drain', resolve));
  }
  if (sink !== process.stdout) {
    sink.end();
    await finished(sink);
    console.error(`exported ${events} OpenLineage RunEvents`);
  }
  return 0;
}
