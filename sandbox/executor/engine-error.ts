// Classification of DuckDB errors into the sandbox's closed set of causes. The engine's message is read
// here, inside the sandbox, and goes no further: it can contain values, file paths and SQL.
import { isSandboxError, SandboxError } from '../failure.ts';

export function classifyEngineError(error: unknown, interrupted: boolean): SandboxError {
  if (isSandboxError(error)) return error;
  // An interrupt surfaces as "INTERRUPT Error: Interrupted!", but whatever the query died of after we
  // interrupted it, the caller's answer is the timeout.
  if (interrupted) return new SandboxError('timeout');
  const message = error instanceof Error ? error.message : '';
  if (/^Out of Memory Error\b/.test(message)) return new SandboxError('out_of_memory');
  if (/^INTERRUPT Error\b/.test(message)) return new SandboxError('timeout');
  return new SandboxError('engine_error');
}
