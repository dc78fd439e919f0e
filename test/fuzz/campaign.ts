// One fuzz campaign against a running service: draws queries from the SQL grammar and from mutations of the
// ATTACKS and refused corpora, sends each to POST /v1/query (a few at a time), and checks every answer as
// it comes: a 200 protected result or a coded 4xx/504, no L4 value of the domain in the body (beyond what
// the query itself sent), and /healthz still answering every `healthEvery` queries. Shared by the CI test
// (fixed seed, 20,000 queries) and `npm run fuzz` (a longer campaign); the target is the HTTP app or the
// compiler and sandbox wired directly (direct-target.ts).
import type { Catalog } from '../../src/catalog/schema.ts';
import { loadRefused } from '../../src/sql/fixtures/load.ts';
import { ATTACKS, MORE_SPELLINGS } from '../adversarial/attacks.ts';
import type { SecretScanner } from '../adversarial/secret-scanner.ts';
import type { TestService } from '../support/service.ts';
import { mutate, type Seed } from './corpus-mutations.ts';
import { Prng } from './prng.ts';
import { SqlGrammar, type FuzzQuery } from './sql-grammar.ts';

/** Where a campaign sends its queries: the HTTP app, or the compiler and sandbox directly. */
export interface FuzzTarget {
  send(q: FuzzQuery, purpose: string): Promise<{ status: number; text: string }>;
  /** The status of a liveness check. */
  health(): Promise<number>;
}

/** POST /v1/query and GET /healthz through the service's real Hono app. */
export function httpTarget(service: TestService, token: string): FuzzTarget {
  return {
    async send(q, purpose) {
      const res = await service.request('/v1/query', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: q.sql, purpose, mode: q.mode }),
      });
      return { status: res.status, text: await res.text() };
    },
    async health() {
      const h = await service.request('/healthz');
      await h.text();
      return h.status;
    },
  };
}

export interface CampaignOptions {
  readonly target: FuzzTarget;
  readonly catalog: Catalog;
  readonly scanner: SecretScanner;
  readonly seed: number;
  /** Skips this many queries of the seed's stream first, so two campaigns can share one stream. */
  readonly skip?: number;
  readonly count: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  readonly healthEvery?: number;
  readonly onProgress?: (done: number) => void;
}

/** A response that broke an invariant, with what reproduces it. */
export interface Finding {
  readonly index: number;
  readonly problem: 'status' | 'uncoded' | 'leak' | 'health';
  readonly status: number;
  readonly sql: string;
  readonly mode: string;
  readonly detail: string;
}

export interface CampaignReport {
  readonly sent: number;
  readonly seconds: number;
  /** Responses by status, e.g. {"200": 812, "422": 9000}. */
  readonly statuses: Record<string, number>;
  /** Refusals by error code. */
  readonly codes: Record<string, number>;
  /** Queries by source: grammar shapes and corpus mutations. */
  readonly sources: Record<string, number>;
  readonly healthChecks: number;
  readonly findings: readonly Finding[];
}

const CODED = /^[A-Z][A-Z_]+$/;
const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** The seeds the mutations start from: every attack and every refused fixture line. */
export function corpusSeeds(): Seed[] {
  return [
    ...[...ATTACKS, ...MORE_SPELLINGS].map((a) => ({ sql: a.sql, mode: a.mode ?? 'aggregate', origin: 'attacks' }) as const),
    ...loadRefused().map((f) => ({ sql: f.sql, mode: f.mode, origin: 'refused' }) as const),
  ];
}

/** The query stream of a seed: deterministic, so index i of seed s is always the same query. */
export function* fuzzQueries(catalog: Catalog, seed: number): Generator<FuzzQuery & { source: string }> {
  const r = new Prng(seed);
  const grammar = new SqlGrammar(catalog, r);
  const seeds = corpusSeeds();
  const attacks = seeds.filter((s) => s.origin === 'attacks');
  const refused = seeds.filter((s) => s.origin === 'refused');
  for (;;) {
    const x = r.next();
    if (x < 0.6) {
      const q = grammar.next();
      yield { ...q, source: `grammar:${q.shape}` };
    } else {
      const s = r.pick(x < 0.82 ? attacks : refused);
      yield { ...mutate(s, r), source: `mutation:${s.origin}` };
    }
  }
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignReport> {
  const started = performance.now();
  const statuses: Record<string, number> = {};
  const codes: Record<string, number> = {};
  const sources: Record<string, number> = {};
  const findings: Finding[] = [];
  const healthEvery = o.healthEvery ?? 1000;
  let healthChecks = 0;
  let sent = 0;
  const queries = fuzzQueries(o.catalog, o.seed);
  for (let i = 0; i < (o.skip ?? 0); i++) queries.next();

  const one = async (index: number, q: FuzzQuery & { source: string }): Promise<void> => {
    bump(sources, q.source);
    const res = await o.target.send(q, `fuzz ${o.seed}#${index}`);
    const text = res.text;
    bump(statuses, String(res.status));
    const finding = (problem: Finding['problem'], detail: string): void => {
      findings.push({ index, problem, status: res.status, sql: q.sql, mode: q.mode, detail });
    };
    if (res.status !== 200 && !(res.status >= 400 && res.status < 500) && res.status !== 504) finding('status', text.slice(0, 300));
    if (res.status !== 200) {
      let code: unknown;
      try {
        code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
      } catch {
        code = undefined;
      }
      if (typeof code === 'string' && CODED.test(code)) bump(codes, code);
      else finding('uncoded', text.slice(0, 300));
    }
    // What the query itself carried (an ID number in a WHERE clause) may be echoed back; anything else is a leak.
    const echoed = new Set(o.scanner.scan(q.sql).map((h) => h.value));
    const leaks = o.scanner.scan(text).filter((h) => !echoed.has(h.value));
    if (leaks.length > 0) finding('leak', leaks.slice(0, 3).map((h) => `${h.family} ${h.value}`).join(', '));
  };

  const concurrency = o.concurrency ?? 4;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.count) {
      const index = (o.skip ?? 0) + next++;
      const q = queries.next().value as FuzzQuery & { source: string };
      await one(index, q);
      sent++;
      if (sent % healthEvery === 0) {
        healthChecks++;
        const status = await o.target.health();
        if (status !== 200) findings.push({ index, problem: 'health', status, sql: '', mode: '', detail: '' });
        o.onProgress?.(sent);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent, seconds: (performance.now() - started) / 1000, statuses, codes, sources, healthChecks, findings };
}
