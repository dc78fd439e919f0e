// Runs a CLI command that talks to the service: builds the client from DSBX_URL/DSBX_TOKEN (usage error
// when missing or malformed), and turns a coded failure into a report on stderr and its family's exit code.
import { clientFromEnvironment, MissingTokenError } from './from-environment.ts';
import type { DsbxClient } from './dsbx-client.ts';
import { isDsbxError } from './dsbx-error.ts';
import { errorReport } from './output/error-report.ts';
import { EXIT_CODES, exitCodeFor } from './output/exit-code.ts';

export async function runClientCommand(
  name: string,
  body: (client: DsbxClient) => Promise<number>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let client: DsbxClient;
  try {
    client = clientFromEnvironment(env);
  } catch (e) {
    if (e instanceof MissingTokenError || e instanceof TypeError) {
      process.stderr.write(`${name}: ${e.message}\n`);
      return EXIT_CODES.usage;
    }
    throw e;
  }
  try {
    return await body(client);
  } catch (e) {
    if (!isDsbxError(e)) throw e;
    process.stderr.write(errorReport(name, e));
    return exitCodeFor(e.code);
  }
}
