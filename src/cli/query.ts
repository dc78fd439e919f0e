// `dsbx query`: sends one SELECT to the service named by DSBX_URL with the license in DSBX_TOKEN, prints
// the protected result on stdout (a table at a terminal, CSV in a pipe, or as asked) and the disclosure
// summary on stderr, so that `dsbx query ... > out.csv` writes only data to the file.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { ExplainResponse, QueryRequest, ResultValue } from '../client/api-types.ts';
import { runClientCommand } from '../client/client-command.ts';
import { DEFAULT_URL } from '../client/from-environment.ts';
import { disclosureSummary, noiseParts } from '../client/output/disclosure-summary.ts';
import { EXIT_CODES, exitCodeHelp } from '../client/output/exit-code.ts';
import { defaultFormat, FORMATS, isOutputFormat, renderRows, type OutputFormat } from '../client/output/format.ts';

export const help = `usage: dsbx query (--sql SQL | --file PATH) --purpose TEXT [options]

Runs one SELECT in the sandbox under the grading policy. Only protected aggregates (or, with --mode rows,
desensitized rows) come back; every attempt is recorded in the lineage log with its purpose.

options:
  --sql SQL            the query text
  --file PATH          read the query from a file ("-" reads standard input)
  --purpose TEXT       why you run it (required; recorded, and checked against your license)
  --mode MODE          aggregate (default) | rows
  --application ID     the approved conditional-share application this query runs under
  --epsilon E          ε to spend on a dataset under differential privacy (default: the policy's)
  --max-groups N       dp: groups one person may contribute to (default: the policy's; more = more noise)
  --max-rows N         dp: rows one person may contribute per group (default: the policy's)
  --format FORMAT      ${FORMATS.join(' | ')} (default: table on a terminal, csv otherwise)
  --explain            show the decision and protections without running the query (still recorded)

The result goes to stdout; the disclosure summary (threshold, rounding, suppressed groups, noise,
budget, lineage id) and errors go to stderr. CSV is RFC 4180, UTF-8, CRLF line ends; NULL is empty.

environment: DSBX_URL (default ${DEFAULT_URL}), DSBX_TOKEN (a license token; required)

exit status:
${exitCodeHelp()}`;

const OPTIONS = {
  sql: { type: 'string' },
  file: { type: 'string' },
  purpose: { type: 'string' },
  mode: { type: 'string' },
  application: { type: 'string' },
  epsilon: { type: 'string' },
  'max-groups': { type: 'string' },
  'max-rows': { type: 'string' },
  format: { type: 'string' },
  explain: { type: 'boolean' },
} as const;

const usageError = (message: string): number => {
  console.error(`dsbx query: ${message}\n\n${help}`);
  return EXIT_CODES.usage;
};

function readSql(values: { sql?: string; file?: string }): string | { error: string } {
  if ((values.sql === undefined) === (values.file === undefined)) return { error: 'give exactly one of --sql and --file' };
  if (values.sql !== undefined) return values.sql;
  try {
    return fs.readFileSync(values.file === '-' ? 0 : (values.file as string), 'utf8');
  } catch {
    return { error: '--file could not be read' };
  }
}

/** The explain answer as rows: one per output column with the protection it would get. */
function explainRows(e: ExplainResponse): { columns: string[]; rows: ResultValue[][] } {
  const rows = e.columns.map((c): ResultValue[] => {
    const p = c.protection;
    const level = 'level' in p ? p.level : null;
    const detail = p.kind === 'aggregate' ? `${p.fn}${p.rounded ? ', rounded' : ''}` : p.kind === 'masked' ? p.method : p.kind === 'group_key' && p.generalized ? 'generalized' : null;
    return [c.name, p.kind, level, detail];
  });
  return { columns: ['column', 'protection', 'level', 'detail'], rows };
}

function explainSummary(e: ExplainResponse): string {
  const t = e.protections.threshold;
  const parts = [`${e.decision} (${e.mode}, ${e.profile} profile, ${e.datasets.join(', ')})`];
  if (t) parts.push(`≥${t.k} people per group, counts rounded to ${t.rounding}`);
  if (e.protections.kAnonymity) parts.push(`${e.protections.kAnonymity.k}-anonymous over ${e.protections.kAnonymity.quasiIdentifiers.join(', ')}`);
  if (e.dp) {
    parts.push(e.dp.repeat ? 'repeat: the recorded answer, no ε charged' : `would charge ε ${e.dp.cost}`);
    parts.push(...noiseParts({ ...e.dp.noise, repeated: false }));
    for (const b of e.dp.budget) parts.push(`${b.dataset}: ε ${b.remaining} of ${b.allocation} left`);
  }
  parts.push(`at most ${e.protections.rowCap} rows`, `lineage ${e.lineageId}`);
  return parts.join(' · ');
}

export async function run(args: string[]): Promise<number> {
  let values: { sql?: string; file?: string; purpose?: string; mode?: string; application?: string; epsilon?: string; 'max-groups'?: string; 'max-rows'?: string; format?: string; explain?: boolean };
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  const sql = readSql(values);
  if (typeof sql !== 'string') return usageError(sql.error);
  if (!values.purpose?.trim()) return usageError('--purpose is required');
  if (values.mode !== undefined && values.mode !== 'aggregate' && values.mode !== 'rows') return usageError('--mode must be aggregate or rows');
  let epsilon: number | undefined;
  if (values.epsilon !== undefined) {
    epsilon = Number(values.epsilon);
    if (!Number.isFinite(epsilon) || epsilon <= 0) return usageError('--epsilon must be a positive number');
  }
  const bounds: { maxGroups?: number; maxRows?: number } = {};
  for (const [flag, key] of [['max-groups', 'maxGroups'], ['max-rows', 'maxRows']] as const) {
    const v = values[flag];
    if (v === undefined) continue;
    if (!/^[1-9][0-9]{0,3}$/.test(v)) return usageError(`--${flag} must be a positive integer`);
    bounds[key] = Number(v);
  }
  const format: OutputFormat | string = values.format ?? defaultFormat(process.stdout.isTTY === true);
  if (!isOutputFormat(format)) return usageError(`--format must be one of ${FORMATS.join(', ')}`);

  const request: QueryRequest = {
    sql,
    purpose: values.purpose,
    ...(values.mode ? { mode: values.mode as 'aggregate' | 'rows' } : {}),
    ...(values.application !== undefined ? { application: values.application } : {}),
    ...(epsilon !== undefined || Object.keys(bounds).length ? { dp: { ...(epsilon !== undefined ? { epsilon } : {}), ...bounds } } : {}),
  };
  return runClientCommand('dsbx query', async (client) => {
    if (values.explain) {
      const e = await client.explain(request);
      const { columns, rows } = explainRows(e);
      process.stdout.write(format === 'json' ? `${JSON.stringify(e, null, 2)}\n` : renderRows(format, columns, rows));
      process.stderr.write(`${explainSummary(e)}\n`);
      return EXIT_CODES.ok;
    }
    const res = await client.query(request);
    process.stdout.write(renderRows(format, res.columns.map((c) => c.name), res.rows));
    process.stderr.write(`${disclosureSummary(res)}\n`);
    return EXIT_CODES.ok;
  });
}
