// Mutations of the known-bad corpora (ATTACKS.md as test/adversarial/attacks.ts, and the compiler's
// refused.tsv): the same attack respelled — keyword case, quoted identifiers, comments, whitespace, aliases,
// nesting in a derived table or a CTE — the ways an attacker probes for a check that reads text, not meaning.
import type { Prng } from './prng.ts';
import type { FuzzQuery } from './sql-grammar.ts';

export interface Seed {
  readonly sql: string;
  readonly mode: 'aggregate' | 'rows';
  readonly origin: string;
}

/** Splits SQL into string literals (kept intact) and the code between them, so mutations never touch data. */
function codeParts(sql: string): { text: string; literal: boolean }[] {
  const parts: { text: string; literal: boolean }[] = [];
  const re = /'(?:[^']|'')*'/g;
  let last = 0;
  for (const m of sql.matchAll(re)) {
    if (m.index > last) parts.push({ text: sql.slice(last, m.index), literal: false });
    parts.push({ text: m[0], literal: true });
    last = m.index + m[0].length;
  }
  if (last < sql.length) parts.push({ text: sql.slice(last), literal: false });
  return parts;
}

const mapCode = (sql: string, f: (code: string) => string): string => codeParts(sql).map((p) => (p.literal ? p.text : f(p.text))).join('');

const KEYWORDS = /\b(select|from|where|group|by|order|limit|join|on|and|or|not|in|like|with|as|having|union|distinct|between|is|null|count)\b/gi;
const IDENT = /\b(id_card|name|phone|address|card_no|diagnosis_code|birth_date|district|gender|residents|medical_claims|card_trips|insured|heating_bills|power_usage|population|health|transit)\b/g;

type Mutation = (sql: string, r: Prng) => string;

const MUTATIONS: Readonly<Record<string, Mutation>> = {
  upperKeywords: (sql) => mapCode(sql, (c) => c.replace(KEYWORDS, (k) => k.toUpperCase())),
  lowerKeywords: (sql) => mapCode(sql, (c) => c.replace(KEYWORDS, (k) => k.toLowerCase())),
  randomCase: (sql, r) => mapCode(sql, (c) => c.replace(KEYWORDS, (k) => [...k].map((ch) => (r.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase())).join(''))),
  quoteIdentifiers: (sql, r) => mapCode(sql, (c) => c.replace(IDENT, (id) => (r.chance(0.7) ? `"${id}"` : id))),
  upperQuotedIdentifiers: (sql) => mapCode(sql, (c) => c.replace(IDENT, (id) => `"${id.toUpperCase()}"`)),
  blockComments: (sql, r) => mapCode(sql, (c) => c.replace(/ /g, () => (r.chance(0.3) ? ' /* x */ ' : ' '))),
  lineComment: (sql) => `-- leading comment\n${sql}\n-- trailing comment`,
  nestedComment: (sql) => mapCode(sql, (c) => c.replace(/\bFROM\b/i, '/* a /* nested */ comment */ FROM')),
  whitespace: (sql, r) => mapCode(sql, (c) => c.replace(/ /g, () => r.pick([' ', '  ', '\n', '\t', '\r\n', ' \u00a0']))),
  noSpaceAroundCommas: (sql) => mapCode(sql, (c) => c.replace(/\s*,\s*/g, ',')),
  trailingSemicolon: (sql) => `${sql};`,
  aliasTable: (sql, r) => mapCode(sql, (c) => c.replace(/\bFROM\s+([a-z_]+\.[a-z_]+)(?!\s+(?:AS\s+)?[a-z]\b)/i, (_m, t: string) => `FROM ${t} AS ${r.pick(['t', 'r', 'zz', '"T"'])}`)),
  aliasColumns: (sql, r) => {
    let i = 0;
    return mapCode(sql, (c) => c.replace(/\b(id_card|name|phone|district|gender)\b(?=\s*,|\s+FROM)/gi, (col) => `${col} AS ${r.pick(['a', 'b', 'count', '"x y"'])}${i++}`));
  },
  derivedTable: (sql) => `SELECT * FROM (${sql}) AS d`,
  derivedCount: (sql) => `SELECT count(*) FROM (${sql}) d`,
  cte: (sql) => `WITH q AS (${sql}) SELECT * FROM q`,
  doubleCte: (sql) => `WITH q AS (${sql}), q2 AS (SELECT * FROM q) SELECT * FROM q2`,
  parenthesized: (sql) => `(${sql})`,
  unionWithSelf: (sql) => `${sql} UNION ALL ${sql}`,
  unicodeEscapes: (sql) => mapCode(sql, (c) => c.replace(/\bid_card\b/g, 'U&"id\\005fcard"')),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations of one seed, applied in turn. */
export function mutate(seed: Seed, r: Prng): FuzzQuery {
  const names = r.some(MUTATION_NAMES, r.int(1, 3));
  let sql = seed.sql;
  for (const n of names) sql = MUTATIONS[n]!(sql, r);
  return { sql, mode: r.chance(0.1) ? (seed.mode === 'rows' ? 'aggregate' : 'rows') : seed.mode, shape: `mutation:${names.join('+')}` };
}
