// Describes arktype validation failures without echoing the input: each problem names the field path and
// what was expected there (text derived from our schema, never from the caller's value).
import type { type } from 'arktype';

export interface ValidationProblem {
  readonly path: string;
  readonly expected?: string;
}

const MAX_PROBLEMS = 20;
const MAX_EXPECTED = 200;

export function validationProblems(errors: type.errors): ValidationProblem[] {
  return [...errors].slice(0, MAX_PROBLEMS).map((e) => {
    const path = e.path.map(String).join('.') || '(root)';
    // A union's `expected` is assembled from the branches' messages, which quote the actual value.
    if (e.code === 'union' || e.code === 'predicate') return { path };
    const expected = String(e.expected ?? '');
    return expected && expected.length <= MAX_EXPECTED ? { path, expected } : { path };
  });
}
