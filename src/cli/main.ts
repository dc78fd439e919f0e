// The `dsbx` command line: dispatches to one module per command (src/cli/<command>.ts). Each module
// exports `run(args: string[]): Promise<number>` (the exit code) and `help: string`.
const COMMANDS = {
  start: () => import('./start.ts'),
  seed: () => import('./seed.ts'),
  serve: () => import('./serve.ts'),
  token: () => import('./token.ts'),
  lineage: () => import('./lineage.ts'),
  query: () => import('./query.ts'),
  catalog: () => import('./catalog.ts'),
  budget: () => import('./budget.ts'),
} as const satisfies Record<string, () => Promise<CommandModule>>;

export interface CommandModule {
  readonly help: string;
  run(args: string[]): Promise<number>;
}

const usage = `usage: dsbx <command> [options]

commands:
  start     seed the domain when missing, then serve (what \`npm start\` runs)
  seed      generate the synthetic data domain into $DSBX_HOME/domain.duckdb
  serve     run the HTTP service
  token     issue license tokens (dsbx token issue --help)
  lineage   verify or export the lineage log
  query     run a SELECT on the service at $DSBX_URL with the license in $DSBX_TOKEN
  catalog   list datasets, or one dataset's columns and grading levels
  budget    show your differential-privacy budget per dataset

The domain commands read DSBX_HOME (default ./var); query, catalog and budget read DSBX_URL and DSBX_TOKEN.
\`dsbx <command> --help\` describes a command.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = (COMMANDS as Record<string, () => Promise<CommandModule>>)[name];
  if (!load) {
    console.error(`dsbx: unknown command ${JSON.stringify(name)}\n\n${usage}`);
    return 2;
  }
  const mod = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(mod.help);
    return 0;
  }
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`dsbx: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
