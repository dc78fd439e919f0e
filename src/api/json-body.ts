// Reads a JSON request body and validates it with an arktype schema. The size limit is enforced before
// this by the body-limit middleware; here malformed JSON and schema violations become BAD_REQUEST.
import type { Context } from 'hono';
import { type, type Type } from 'arktype';
import { AppError } from '../errors.ts';
import { validationProblems } from './validation-problems.ts';

export async function readJsonBody<B>(c: Context, schema: Type<B>): Promise<B> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new AppError('BAD_REQUEST', 'the request body must be application/json');
  }
  const text = await c.req.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', 'the request body is not valid JSON');
  }
  const out = schema(data);
  if (out instanceof type.errors) {
    throw new AppError('BAD_REQUEST', 'the request body does not match the expected schema', {
      problems: validationProblems(out),
    });
  }
  return out as B;
}
