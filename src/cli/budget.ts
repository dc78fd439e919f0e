// `dsbx budget`: the caller's own differential-privacy budgets — allocation, spent and remaining ε per
// dataset — from GET /v1/budget.
import { parseArgs } from 'node:util';
import type { BudgetReport, ResultValue } from '../client/api-types.ts';
import { runClientCommand } from '../client/client-command.ts';
import { DEFAULT_URL } from '../client/from-environment.ts';
import { EXIT_CODES, exitCodeHelp } from '../client/output/exit-code.ts';
import { defaultFormat, FORMATS, isOutputFormat, renderRows } from '../client/output/format.ts';

export const help = `usage: dsbx budget [--format ${FORMATS.join('|')}]

Shows your ε budget per dataset under differential privacy: allocation, spent, remaining.
--format json prints the API's answer unchanged.

environment: DSBX_URL (default ${DEFAULT_URL}), DSBX_TOKEN (a license token; required)

exit status:
${exitCodeHelp()}`;

const OPTIONS = { format: { type: 'string' } } as const;

const scalar = (v: unknown): ResultValue =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? null : JSON.stringify(v);

/** The report's list of per-dataset entries as a table: one row per entry, nested fields as `a.b`. */
export function budgetTable(report: BudgetReport): { columns: string[]; rows: ResultValue[][] } | undefined {
  const lists = Object.values(report).filter((v): v is Record<string, unknown>[] => Array.isArray(v) && v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)));
  if (lists.length !== 1) return undefined;
  const flat = (lists[0] ?? []).map((entry) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2;
      else out[k] = v;
    }
    return out;
  });
  const columns = [...new Set(flat.flatMap((e) => Object.keys(e)))];
  return { columns, rows: flat.map((e) => columns.map((c) => scalar(e[c]))) };
}

export async function run(args: string[]): Promise<number> {
  let values: { format?: string };
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    console.error(`dsbx budget: ${(e as Error).message}\n\n${help}`);
    return EXIT_CODES.usage;
  }
  const format = values.format ?? defaultFormat(process.stdout.isTTY === true);
  if (!isOutputFormat(format)) {
    console.error(`dsbx budget: --format must be one of ${FORMATS.join(', ')}\n\n${help}`);
    return EXIT_CODES.usage;
  }
  return runClientCommand('dsbx budget', async (client) => {
    const report = await client.budget();
    const table = format === 'json' ? undefined : budgetTable(report);
    process.stdout.write(table ? renderRows(format, table.columns, table.rows) : `${JSON.stringify(report, null, 2)}\n`);
    return EXIT_CODES.ok;
  });
}
