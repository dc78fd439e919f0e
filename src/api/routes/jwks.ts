// GET /.well-known/jwks.json: the public half of the server's signing key, so that anyone can verify
// license tokens and lineage checkpoints. The schema admits only public OKP members: a private `d`
// would be stripped even if it reached the handler.
import { type } from 'arktype';
import type { AppDeps } from '../env.ts';
import type { RouteTable } from '../route-table.ts';

export const PublicJwkSchema = type({
  kty: "'OKP'",
  crv: "'Ed25519'",
  x: 'string > 0',
  kid: 'string > 0',
  alg: "'EdDSA'",
  use: "'sig'",
  '+': 'delete',
});

export const JwksSchema = type({ keys: PublicJwkSchema.array(), '+': 'delete' });

export function registerJwksRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      summary: "The server's public signing keys (JWKS, RFC 7517)",
      tags: ['service'],
      access: 'public',
      response: { description: 'the key set', schema: JwksSchema },
    },
    (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return { keys: deps.jwks.keys.map((k) => ({ ...k })) } as typeof JwksSchema.infer;
    },
  );
}
