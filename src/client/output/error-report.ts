// A refused or failed call as text for stderr: the code and message, then each broken rule with the
// column or function it concerns, then the lineage record of the attempt.
import type { DsbxError } from '../dsbx-error.ts';
import { printable } from './display-width.ts';

export function errorReport(prefix: string, e: DsbxError): string {
  const lines = [`${prefix}: ${e.code}: ${printable(e.message)}`];
  for (const v of e.violations) {
    const where = v.column ?? (v.function ? `${v.function}()` : undefined);
    lines.push(`  ${printable(v.rule)}${where ? `  ${printable(where)}` : ''}  ${printable(v.message)}`);
  }
  if (e.lineageId) lines.push(`  lineage ${printable(e.lineageId)}`);
  return `${lines.join('\n')}\n`;
}
