// One CSV field, for every CSV the project writes (open-data pages, src/open/page-encoding.ts; the client's
// query results, src/client/output/csv.ts): RFC 4180 quoting (a field holding a quote, comma, CR or LF is
// quoted, quotes doubled), NULL as the empty field and the empty string as an empty quoted field, so that
// the two stay apart. Text that a spreadsheet would run as a formula — starting with =, +, -, @, a tab or
// a carriage return (OWASP, "CSV injection") — is written with a leading apostrophe, which spreadsheets
// show as text: an enterprise registered as `=HYPERLINK(...)` must not run on the desk of whoever opens the
// city's CSV. Numbers are never prefixed (a negative number stays a number); the JSON encodings carry every
// value as it is.
export type CsvValue = string | number | boolean | null;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(v: CsvValue): string {
  if (v === null) return '';
  if (v === '') return '""';
  const s = typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
