// `dsbx serve`: runs the HTTP service on HOST:PORT until SIGINT or SIGTERM, then closes the listener,
// letting requests in flight finish. SIGHUP re-reads the catalog and policy files (a bad file keeps the last good ones).
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { createService, listen, type RunningServer, type Service } from '../server.ts';

export const help = `usage: dsbx serve [--host HOST] [--port PORT]

Runs the HTTP service. The domain must exist already (\`dsbx seed\`, or use \`dsbx start\`).
SIGHUP re-reads datasets/*/dataset.yaml and policies/*.yaml; a file that fails validation is logged
and the last good catalog and policy stay in force.

options:
  --host HOST   address to listen on (default $HOST, else 127.0.0.1)
  --port PORT   port to listen on (default $PORT, else 8787; 0 picks a free port)

environment: DSBX_HOME (default ./var), HOST, PORT, NODE_ENV, DSBX_ISSUER, DSBX_AUDIENCE`;

const OPTIONS = { host: { type: 'string' }, port: { type: 'string' } } as const;

/** Reads --host/--port over the environment's configuration; undefined (after printing why) when invalid. */
export function configWithAddress(args: string[], env: NodeJS.ProcessEnv = process.env): Config | undefined {
  let values: { host?: string; port?: string };
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    console.error(`dsbx: ${(e as Error).message}\n\n${help}`);
    return undefined;
  }
  return loadConfig({ ...env, ...(values.host ? { HOST: values.host } : {}), ...(values.port ? { PORT: values.port } : {}) });
}

/** Listens, calls onListening, and resolves with exit code 0 once a SIGINT/SIGTERM has closed the server. */
export async function serveUntilSignal(
  service: Service,
  config: Config,
  onListening: (server: RunningServer) => void = (s) => console.log(`dsbx listening on ${s.url}`),
): Promise<number> {
  // Handlers go in before listening: a signal that arrives as soon as the address is announced must
  // still close the server cleanly rather than kill the process.
  let signalled: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1); // a second signal means "now": do not wait for slow clients
    stopping = true;
    signalled(signal);
  };
  // The outcome (new version, unchanged, or the file that failed) is logged by the reload itself.
  const hup = (): void => {
    service.reload().catch(() => undefined);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', hup);
  try {
    const server = await listen(service.app, config.host, config.port);
    service.deps.logger.info('listening', { url: server.url });
    onListening(server);
    const signal = await stopRequested;
    service.deps.logger.info('shutdown', { signal });
    await server.close();
    await service.close();
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', hup);
  }
}

export async function run(args: string[]): Promise<number> {
  const config = configWithAddress(args);
  if (!config) return 2;
  const service = await createService(config);
  return serveUntilSignal(service, config);
}
