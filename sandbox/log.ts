// Structured log lines of the sandbox, on stderr, one JSON object per line. Only event names, codes and
// counts are logged: never SQL, values, engine messages, paths or secrets.
export type LogFields = Readonly<Record<string, string | number | boolean | null>>;

export function logEvent(component: 'sandbox-executor' | 'sandbox-supervisor', event: string, fields: LogFields = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component, event, ...fields })}\n`);
}
