// The description of one HTTP route: method, path, who may call it, and the arktype schemas of its
// parameters, body and response. The route table validates with these schemas and the OpenAPI document
// is rendered from the same objects, so the published API cannot drift from what the handlers accept.
import type { Type } from 'arktype';
import type { Role } from '../auth/principal.ts';
import type { Context } from 'hono';
import type { AppError, ErrorCode } from '../errors.ts';
import type { AppEnv } from './env.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `public`: no token; `authenticated`: any valid license; a role list: a license with one of them. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface JsonResponseSpec<R> {
  readonly status?: 200 | 201 | 202;
  readonly description: string;
  /** The handler's value is checked (and undeclared keys stripped) with this schema before it is sent. */
  readonly schema: Type<R>;
}

export interface RawResponseSpec {
  readonly status?: 200;
  readonly description: string;
  /** Non-JSON bodies (CSV, NDJSON): the handler returns a Response itself. */
  readonly contentType: string;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. `/v1/catalog/{dataset}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly params?: Type<P>;
  readonly query?: Type<Q>;
  readonly body?: Type<B>;
  readonly response: JsonResponseSpec<R> | RawResponseSpec;
  /** Error codes this route may answer with, besides the ones implied by access and validation. */
  readonly errors?: readonly ErrorCode[];
  /**
   * Called when the body or query fails validation, before the BAD_REQUEST is answered: routes whose every
   * attempt must be recorded (the query routes) record the refusal here and may set its lineageId.
   */
  readonly onInvalid?: (c: Context<AppEnv>, error: AppError) => Promise<void>;
}

export const isRawResponse = (r: JsonResponseSpec<unknown> | RawResponseSpec): r is RawResponseSpec => 'contentType' in r;

/** `/v1/catalog/{dataset}` → `/v1/catalog/:dataset` (Hono's syntax). */
export const toHonoPath = (path: string): string => path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
