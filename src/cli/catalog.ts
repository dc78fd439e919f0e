// `dsbx catalog [DATASET]`: the catalog's metadata from the service — without an argument one line per
// dataset (provider, share and open types, status, protection profile), with one, one line per column
// with its grading level. Never data.
import { parseArgs } from 'node:util';
import type { ResultValue } from '../client/api-types.ts';
import { runClientCommand } from '../client/client-command.ts';
import { DEFAULT_URL } from '../client/from-environment.ts';
import { EXIT_CODES, exitCodeHelp } from '../client/output/exit-code.ts';
import { defaultFormat, FORMATS, isOutputFormat, renderRows } from '../client/output/format.ts';

export const help = `usage: dsbx catalog [DATASET] [--format ${FORMATS.join('|')}]

Without DATASET, lists the datasets: provider, share and open types, status, protection profile, tables.
With DATASET (e.g. population), lists its tables' columns with their grading level (L1 public .. L4 core),
kind, semantic type, bounds, and whether they may be masked, pseudonymized or grouped as categorical.
--format json prints the API's answer unchanged.

environment: DSBX_URL (default ${DEFAULT_URL}), DSBX_TOKEN (a license token; required)

exit status:
${exitCodeHelp()}`;

const OPTIONS = { format: { type: 'string' } } as const;

const usageError = (message: string): number => {
  console.error(`dsbx catalog: ${message}\n\n${help}`);
  return EXIT_CODES.usage;
};

export async function run(args: string[]): Promise<number> {
  let values: { format?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (positionals.length > 1) return usageError('give at most one dataset');
  const format = values.format ?? defaultFormat(process.stdout.isTTY === true);
  if (!isOutputFormat(format)) return usageError(`--format must be one of ${FORMATS.join(', ')}`);
  const datasetId = positionals[0];

  return runClientCommand('dsbx catalog', async (client) => {
    if (datasetId === undefined) {
      const view = await client.catalog();
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      const columns = ['dataset', 'title', 'provider', 'share', 'open', 'status', 'profile', 'updates', 'tables'];
      const rows = view.datasets.map((d): ResultValue[] => [
        d.id, d.title.zh, d.provider.name.zh, d.share.type, d.open.type, d.status, d.profile, d.updateFrequency,
        d.tables.map((t) => t.name).join(' '),
      ]);
      process.stdout.write(renderRows(format, columns, rows));
      return EXIT_CODES.ok;
    }
    const d = await client.dataset(datasetId);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    const columns = ['table', 'column', 'title', 'type', 'level', 'kind', 'semantic', 'bounds', 'mask', 'pseudonym', 'categorical'];
    const rows = d.tables.flatMap((t) =>
      t.columns.map((c): ResultValue[] => [
        `${d.id}.${t.name}`, c.name, c.title.zh, c.type, c.level, c.kind, c.semantic, c.bounds ? `[${c.bounds[0]}, ${c.bounds[1]}]` : null,
        c.mask ?? null, c.pseudonym, c.categorical,
      ]),
    );
    process.stdout.write(renderRows(format, columns, rows));
    const units = d.tables.map((t) => `${t.name}: ${t.privacyUnit ?? 'none'}`).join(', ');
    process.stderr.write(`${d.id} · ${d.profile} profile · ${d.status} · privacy unit ${units}\n`);
    return EXIT_CODES.ok;
  });
}
