// The request body limit, without giving up @hono/node-server's fast body read. Hono's bodyLimit asks for
// `c.req.raw.body` first, which makes the node adapter build a full web Request with a ReadableStream over
// the socket; every later read then goes through web streams (~0.5 ms a request here). A body framed by
// Content-Length is bounded by that header (node's HTTP parser reads exactly that many bytes and refuses a
// request carrying both it and Transfer-Encoding), so the header alone decides; only a body without a
// declared length (chunked) is counted as it streams, by Hono's bodyLimit.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function requestBodyLimit(opts: { readonly maxSize: number; readonly onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const counted = bodyLimit({ maxSize: opts.maxSize, onError: opts.onError });
  return async function requestBodyLimit(c, next) {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return /^[0-9]{1,15}$/.test(length) && Number(length) <= opts.maxSize ? next() : opts.onError(c);
    }
    return counted(c, next);
  };
}
