// Drives a running dsbx server over loopback with N concurrent clients, each sending its next request as soon
// as the previous one is answered, until the duration is over or the run is aborted; keeps one outcome per
// request (kind, status, code, lineage id, latency) for the assertions and the figures.
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.ts';
import type { Answer, LoadRequest, RequestKind } from './workload.ts';

export interface Outcome {
  readonly kind: RequestKind;
  readonly client: number;
  readonly pipeline: boolean;
  /** ms since the run started, when the request was sent and when its answer was complete. */
  readonly sentAt: number;
  readonly doneAt: number;
  /** HTTP status, or 0 when no whole answer arrived (connection refused or cut, client timeout). */
  readonly status: number;
  /** 'OK' for a 2xx, the error body's code, 'UNCODED' for an answer without a known code, 'NO_ANSWER' for status 0. */
  readonly code: Answer | 'UNCODED' | 'NO_ANSWER';
  /** The lineage id the answer carried (a query's `lineageId`, or `error.lineageId`). */
  readonly lineageId?: string;
  /** For an error: `error.details.cause`, which the sandbox's errors carry (e.g. executor_crashed). */
  readonly cause?: string;
  /** For a 200 from /v1/query: how many rows were released. */
  readonly rows?: number;
  /** Whether the answer is one the request accepts. */
  readonly accepted: boolean;
}

export interface LoadOptions {
  readonly url: string;
  readonly clients: number;
  readonly durationMs: number;
  /** Client c's request source. */
  readonly source: (client: number) => () => LoadRequest;
  /** The bearer token a client sends (e.g. one license shared by all clients). */
  readonly token: string;
  /** Stops the clients early; requests in flight are let finish (or fail). */
  readonly signal?: AbortSignal;
  /** Per request; a query waits at most the sandbox queue plus its timeout, so this is generous. */
  readonly requestTimeoutMs?: number;
  /** Called with every outcome as it arrives (e.g. to start a fault after the first answers). */
  readonly onOutcome?: (o: Outcome) => void;
  /** The performance.now() that outcome times count from (default: when runLoad is called). */
  readonly t0?: number;
}

const NETWORK_BACKOFF_MS = 100;

/** Runs the load and resolves, once every client has stopped, with the outcomes in completion order. */
export async function runLoad(opts: LoadOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const t0 = opts.t0 ?? performance.now();
  const deadline = performance.now() + opts.durationMs;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  const client = async (c: number): Promise<void> => {
    const next = opts.source(c);
    while (performance.now() < deadline && !opts.signal?.aborted) {
      const req = next();
      const outcome = await sendRequest(opts.url, opts.token, req, { client: c, t0, timeoutMs: requestTimeoutMs });
      outcomes.push(outcome);
      opts.onOutcome?.(outcome);
      // A server that is gone refuses at once: pause rather than spin while it is down.
      if (outcome.status === 0) await new Promise((r) => setTimeout(r, NETWORK_BACKOFF_MS));
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  return outcomes;
}

/** Sends one request and waits for its whole answer; never throws (no answer is status 0, NO_ANSWER). */
export async function sendRequest(
  url: string,
  token: string,
  req: LoadRequest,
  { client, t0, timeoutMs = 60_000 }: { readonly client: number; readonly t0: number; readonly timeoutMs?: number },
): Promise<Outcome> {
  const sentAt = performance.now() - t0;
  const base = { kind: req.kind, client, pipeline: req.pipeline, sentAt };
  let status: number;
  let body: unknown;
  try {
    const res = await fetch(`${url}${req.path}`, {
      method: req.method,
      headers: { authorization: `Bearer ${token}`, ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  } catch {
    return { ...base, doneAt: performance.now() - t0, status: 0, code: 'NO_ANSWER', accepted: false };
  }
  const doneAt = performance.now() - t0;
  const b = (typeof body === 'object' && body !== null ? body : {}) as { lineageId?: unknown; rows?: unknown; error?: { code?: unknown; lineageId?: unknown; details?: { cause?: unknown } } };
  let code: Outcome['code'];
  if (status >= 200 && status < 300 && body !== undefined) code = 'OK';
  else {
    const c2 = b.error?.code;
    // A code counts only if it is one of ours and the status is the one it is documented with.
    code = typeof c2 === 'string' && c2 in ERROR_STATUS && ERROR_STATUS[c2 as ErrorCode] === status ? (c2 as ErrorCode) : 'UNCODED';
  }
  const lineageId = code === 'OK' ? b.lineageId : b.error?.lineageId;
  const cause = code === 'OK' ? undefined : b.error?.details?.cause;
  return {
    ...base,
    doneAt,
    status,
    code,
    ...(typeof lineageId === 'string' ? { lineageId } : {}),
    ...(typeof cause === 'string' ? { cause } : {}),
    ...(code === 'OK' && Array.isArray(b.rows) ? { rows: b.rows.length } : {}),
    accepted: code !== 'UNCODED' && req.accept.has(code),
  };
}
