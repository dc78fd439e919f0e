// `dsbx token issue`: signs a license token with the server's key and prints it on stdout (nothing else
// goes to stdout, so the output can be captured: TOKEN=$(dsbx token issue ...)).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { loadCatalog } from '../catalog/load.ts';
import { loadOrCreateSigningKeys } from '../auth/keys.ts';
import { issueToken, LicenseRequestError } from '../auth/issue.ts';
import { ROLES, type Role } from '../auth/principal.ts';

export const help = `usage: dsbx token issue --sub ID --role ROLE [--role ROLE...] [--org ORG] [--datasets a,b|all] [--ttl 8h]

Signs a license token (EdDSA JWT, typ at+jwt) with the key in $DSBX_HOME/keys and prints it on stdout.
The token id (jti, the handle for revocation in $DSBX_HOME/revoked.json) and expiry go to stderr.

options:
  --sub ID            the licensee's account id (required)
  --role ROLE         ${ROLES.join(' | ')} (required; repeat for several)
  --org ORG           organisation the license is issued to (default: unaffiliated)
  --datasets LIST     comma-separated dataset ids granted directly, or "all" (default: none)
  --ttl DURATION      lifetime such as 90s, 30m, 8h, 7d (default 8h, at most 366d)`;

const OPTIONS = {
  sub: { type: 'string' },
  role: { type: 'string', multiple: true },
  org: { type: 'string' },
  datasets: { type: 'string' },
  ttl: { type: 'string' },
} as const;

const usageError = (message: string): number => {
  console.error(`dsbx token: ${message}\n\n${help}`);
  return 2;
};

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'issue') return usageError(sub ? `unknown subcommand ${JSON.stringify(sub)}` : 'missing subcommand');
  let values: { sub?: string; role?: string[]; org?: string; datasets?: string; ttl?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (!values.sub) return usageError('--sub is required');
  if (!values.role?.length) return usageError('--role is required');
  const unknownRole = values.role.find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknownRole !== undefined) return usageError(`unknown role ${JSON.stringify(unknownRole)}`);

  const config = loadConfig();
  const catalog = loadCatalog(config.datasetsDir);
  let datasets: string[] | 'all' = [];
  if (values.datasets !== undefined && values.datasets.trim() !== '') {
    if (values.datasets.trim() === 'all') datasets = 'all';
    else {
      datasets = [...new Set(values.datasets.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))];
      const unknown = datasets.find((d) => !catalog.dataset(d));
      if (unknown !== undefined) return usageError(`unknown dataset ${JSON.stringify(unknown)}`);
    }
  }
  const keys = await loadOrCreateSigningKeys(config.home);
  try {
    const issued = await issueToken(keys, config, {
      sub: values.sub,
      roles: values.role as Role[],
      org: values.org ?? 'unaffiliated',
      datasets,
      ttl: values.ttl ?? '8h',
    });
    process.stdout.write(`${issued.token}\n`);
    console.error(`jti=${issued.jti} expires=${new Date(issued.exp * 1000).toISOString()}`);
    return 0;
  } catch (e) {
    if (e instanceof LicenseRequestError) return usageError(e.message);
    throw e;
  }
}
