// The traffic of the reliability tests: a seeded mix of legitimate aggregates (allowed.sql), refused queries
// (refused.tsv, each with the codes it may be refused with), heavy joins over the biggest tables of the
// test domain (some finishing, some certain to hit a short sandbox timeout), explain calls, dp releases and
// the catalog, budget and history reads, each with the answers that are acceptable for it.
import { ERROR_STATUS, type ErrorCode } from '../../src/errors.ts';
import { loadAllowed, loadRefused } from '../../src/sql/fixtures/load.ts';
import { Prng } from '../fuzz/prng.ts';

export type RequestKind = 'allowed' | 'refused' | 'heavy' | 'timeout' | 'explain' | 'dp' | 'catalog' | 'budget' | 'history';

/** 'OK' for a 2xx answer, else the error code of the body. */
export type Answer = 'OK' | ErrorCode;

export interface LoadRequest {
  readonly kind: RequestKind;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** POST /v1/query or /v1/query/explain: the attempt reaches the pipeline and must leave one lineage record. */
  readonly pipeline: boolean;
  /** The answers this request may get. */
  readonly accept: ReadonlySet<Answer>;
}

const PURPOSE = 'reliability load';

/**
 * Answers any query may get under load without being wrong: the per-subject rate limit, or the sandbox
 * queue being full (RATE_LIMITED); a timeout or resource limit when the machine is saturated.
 */
const LOAD_ANSWERS: readonly Answer[] = ['RATE_LIMITED', 'QUERY_TIMEOUT', 'RESOURCE_LIMIT'];

/**
 * Joins on the L1/L2 district column, which the policy allows and which multiply rows: at 3,000 residents
 * power_usage × heating_bills is ~2M joined rows (a few hundred ms), power_usage × residents ~3M; adding
 * residents and enterprises to the first makes ~3·10⁹, far beyond any short timeout.
 */
export const HEAVY_SQL = [
  'SELECT p.district, count(*) AS n FROM utilities.power_usage p JOIN utilities.heating_bills h ON p.district = h.district GROUP BY p.district',
  'SELECT p.district, count(*) AS n, avg(p.kwh) AS kwh FROM utilities.power_usage p JOIN population.residents r ON p.district = r.district GROUP BY p.district',
  'SELECT p.month, sum(p.kwh) AS kwh, count(*) AS n FROM utilities.power_usage p JOIN population.residents r ON r.id_card = p.id_card JOIN utilities.heating_bills h ON h.id_card = r.id_card GROUP BY p.month',
] as const;

export const TIMEOUT_SQL =
  'SELECT p.district, count(*) AS n FROM utilities.power_usage p JOIN utilities.heating_bills h ON p.district = h.district ' +
  'JOIN population.residents r ON r.district = h.district JOIN market.enterprises e ON e.district = r.district GROUP BY p.district';

/** dp releases on the claims: a handful of fixed queries, so that after the first of each the repeats cost nothing. */
export const DP_SQL = [
  'SELECT diagnosis_group, count(*) AS claims FROM health.medical_claims GROUP BY 1',
  'SELECT hospital_level, count(*) AS claims FROM health.medical_claims GROUP BY 1',
  'SELECT count(*) AS claims FROM health.medical_claims',
] as const;

/** Relative weights of the kinds in the mix. */
export type Mix = Readonly<Record<RequestKind, number>>;

export const DEFAULT_MIX: Mix = { allowed: 34, refused: 20, explain: 10, dp: 5, heavy: 4, timeout: 2, catalog: 9, budget: 8, history: 8 };

const answers = (...xs: readonly Answer[]): ReadonlySet<Answer> => new Set(xs);

/** The pool of requests of each kind, built once from the fixture corpora. */
function requestPools(): Record<RequestKind, LoadRequest[]> {
  // The dp dataset's fixtures go through the dp kind with a small ε, so that the budget lasts the whole run.
  const allowed = loadAllowed().filter((f) => !/\bhealth\./i.test(f.sql));
  const refused = loadRefused();
  const query = (kind: RequestKind, body: unknown, accept: readonly Answer[], path = '/v1/query'): LoadRequest =>
    ({ kind, method: 'POST', path, body, pipeline: true, accept: answers(...accept) });
  const read = (kind: RequestKind, path: string): LoadRequest => ({ kind, method: 'GET', path, pipeline: false, accept: answers('OK') });
  return {
    allowed: allowed.map((f) => query('allowed', { sql: f.sql, mode: f.mode, purpose: PURPOSE }, ['OK', ...LOAD_ANSWERS])),
    refused: refused.map((f) => query('refused', { sql: f.sql, mode: f.mode, purpose: PURPOSE }, [...f.acceptable.map((a) => a.code as ErrorCode), 'RATE_LIMITED'])),
    explain: allowed.map((f) => query('explain', { sql: f.sql, mode: f.mode, purpose: PURPOSE }, ['OK', 'RATE_LIMITED'], '/v1/query/explain')),
    dp: DP_SQL.map((sql) => query('dp', { sql, purpose: PURPOSE, dp: { epsilon: 0.1 } }, ['OK', 'BUDGET_EXHAUSTED', ...LOAD_ANSWERS])),
    heavy: HEAVY_SQL.map((sql) => query('heavy', { sql, purpose: PURPOSE }, ['OK', ...LOAD_ANSWERS])),
    // Never 'OK': a release of this join within the timeout would mean that the timeout is not enforced.
    timeout: [query('timeout', { sql: TIMEOUT_SQL, purpose: PURPOSE }, LOAD_ANSWERS)],
    catalog: [read('catalog', '/v1/catalog'), read('catalog', '/v1/catalog/population')],
    budget: [read('budget', '/v1/budget')],
    history: [read('history', '/v1/query/history?limit=20')],
  };
}

/**
 * A deterministic request source: client `c` draws its i-th request from its own generator seeded by
 * (seed, c), so that a run is reproduced by its seed (the interleaving is the machine's).
 */
export function createWorkload(seed: number, mix: Mix = DEFAULT_MIX): (client: number) => () => LoadRequest {
  const pools = requestPools();
  for (const [kind, pool] of Object.entries(pools)) if (pool.length === 0) throw new Error(`workload: no requests of kind ${kind}`);
  // A corpus line naming a code the service does not have could never be matched: a corpus bug, said loudly.
  for (const pool of Object.values(pools)) {
    for (const r of pool) for (const a of r.accept) if (a !== 'OK' && !(a in ERROR_STATUS)) throw new Error(`workload: unknown code ${a}`);
  }
  const kinds = (Object.keys(mix) as RequestKind[]).filter((k) => mix[k] > 0);
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  return (client) => {
    const prng = new Prng((seed ^ Math.imul(client + 1, 0x9e3779b1)) >>> 0);
    return () => {
      let x = prng.next() * total;
      const kind = kinds.find((k) => (x -= mix[k]) < 0) ?? kinds[kinds.length - 1]!;
      return prng.pick(pools[kind]);
    };
  };
}
