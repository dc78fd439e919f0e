// `dsbx budget`: the caller's own differential-privacy budgets — allocation, spent and remaining ε per
// dataset — from GET /v1/budget.
import { parseArgs } from 'node:util';
import type { BudgetReport, ResultValue } from '../client/api-types.ts';
import { runClientCommand } from '../client/client-command.ts';
import { DEFAULT_URL } from '../client/from-environment.ts';
import { EXIT_CODES, exitCodeHelp } from '../client/output/exit-code.ts';
import { defaultFormat, FORMATS, isOutputFormat, renderRows } from '../client/output/format.ts';

export const help = `usage: dsbx budget [--format ${FORMATS.join('|')}]

Shows your ε budget on each dataset under differential privacy that your license covers: allocation,
spent (including ε held by your queries still running) and remaining.
--format json prints the API's answer unchanged.

environment: DSBX_URL (default ${DEFAULT_URL}), DSBX_TOKEN (a license token; required)

exit status:
${exitCodeHelp()}`;

const OPTIONS = { format: { type: 'string' } } as const;

/** One row per dp dataset the license covers. */
export function budgetTable(report: BudgetReport): { columns: string[]; rows: ResultValue[][] } {
  return {
    columns: ['dataset', 'allocation', 'spent', 'remaining'],
    rows: report.budgets.map((b) => [b.dataset, b.allocation, b.spent, b.remaining]),
  };
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
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    const table = budgetTable(report);
    process.stdout.write(renderRows(format, table.columns, table.rows));
    return EXIT_CODES.ok;
  });
}
