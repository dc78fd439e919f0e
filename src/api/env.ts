// What every route module is given (AppDeps) and what middleware puts on the Hono context (AppEnv).
// The lead adds the query pipeline's dependencies here as optional or new fields.
import type { Config } from '../config.ts';
import type { Catalog } from '../catalog/schema.ts';
import type { Policy } from '../policy/schema.ts';
import type { Principal } from '../auth/principal.ts';
import type { TokenVerifier } from '../auth/verify.ts';
import type { Logger } from './logger.ts';
import type { LineageStore } from '../lineage/store.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { QueryPipeline } from './query-pipeline.ts';
import type { Governance } from '../governance/governance.ts';
import type { LiveCatalog } from '../catalog/live-catalog.ts';
import type { ReloadOutcome } from '../catalog/live-catalog-updates.ts';

/** A named liveness check reported by /healthz (e.g. "sandbox"); must not throw secrets into the log. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<boolean> | boolean;
}

export interface PublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
}

export interface AppDeps {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly policy: Policy;
  readonly verifier: TokenVerifier;
  /** Public keys only: served at /.well-known/jwks.json. */
  readonly jwks: { readonly keys: readonly PublicJwk[] };
  readonly logger: Logger;
  readonly health?: readonly HealthCheck[];
  readonly version?: string;
  /** The query path (compiler, sandbox, lineage); the query routes exist only when it is present. */
  readonly query?: QueryPipeline;
  /** The lineage log; the reviewer and history routes exist only when it is present. */
  readonly lineage?: LineageStore;
  readonly metrics?: ServiceMetrics;
  /** Applications, objections, suspensions (issue 7); the governance routes exist only when it is present. */
  readonly governance?: Governance;
  /**
   * The live, versioned catalog and policy (`catalog` and `policy` above read its current snapshot), and the
   * reload of their files (POST /v1/admin/reload, SIGHUP).
   */
  readonly live?: { readonly catalog: LiveCatalog; reload(by: Principal): Promise<ReloadOutcome> };
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Set by requireAuth; absent on public routes. */
    principal: Principal;
  };
}
