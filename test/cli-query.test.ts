// `dsbx query`, `dsbx catalog` and `dsbx budget` as a developer runs them (node bin/dsbx.js, child
// processes) against a live service on a generated domain: results on stdout in table, CSV or JSON,
// the disclosure summary on stderr, and every failure a coded report with its family's exit status.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../src/server.ts';
import { DsbxClient } from '../src/client/dsbx-client.ts';
import { displayWidth } from '../src/client/output/display-width.ts';
import { EXIT_CODES } from '../src/client/output/exit-code.ts';
import { cachedDomainFile } from './support/domain.ts';
import { testService, type TestService } from './support/service.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'dsbx.js');

let t: TestService;
let server: RunningServer;
let developer: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI asynchronously: the service answers from this same process, so it must not be blocked. */
function dsbx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const { DSBX_URL: _u, DSBX_TOKEN: _t, NODE_ENV: _n, ...rest } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...rest, DSBX_URL: server.url, DSBX_TOKEN: developer, ...env }, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const BY_DISTRICT = 'SELECT district, count(*) AS n FROM population.residents GROUP BY district ORDER BY district';

beforeAll(async () => {
  t = await testService({ domain: await cachedDomainFile(3000) });
  server = await listen(t.service.app, '127.0.0.1', 0);
  developer = await t.token('developer');
});
afterAll(async () => {
  await server?.close();
  await t?.cleanup();
});

describe.concurrent('dsbx query, output formats', () => {
  it('writes CSV to a pipe by default, with Chinese text unchanged, and the disclosure summary only on stderr', async () => {
    const [r, api] = await Promise.all([
      dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'district planning']),
      new DsbxClient({ url: server.url, token: developer }).query({ sql: BY_DISTRICT, purpose: 'district planning' }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const expected = ['district,n', ...api.rows.map(([d, n]) => `${String(d)},${String(n)}`)].join('\r\n') + '\r\n';
    expect(r.stdout).toBe(expected);
    expect(r.stdout).toContain('龙沙区');
    expect(r.stderr).toMatch(/^\d+ rows · ≥10 people per group, counts rounded to 5 · .*lineage [0-9a-f-]{36}\n$/);
  });

  it('reads the query from --file, Chinese literals included', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-cli-query-'));
    try {
      const file = path.join(dir, 'by-gender.sql');
      fs.writeFileSync(file, "SELECT gender, count(*) AS n FROM population.residents WHERE district = '龙沙区' GROUP BY gender ORDER BY gender\n");
      const r = await dsbx(['query', '--file', file, '--purpose', 'file input', '--format', 'csv']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^gender,n\r\n女,\d+\r\n男,\d+\r\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes CSV fields holding commas or quotes (doubling the quotes), in values and in column names', async () => {
    const sql = `SELECT concat(district, ', "东"') AS "地区,名", count(*) AS n FROM population.residents GROUP BY 1 ORDER BY 1`;
    const r = await dsbx(['query', '--sql', sql, '--purpose', 'csv escaping', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\r\n');
    expect(lines[0]).toBe('"地区,名",n');
    expect(lines[1]).toMatch(/^"[\u4e00-\u9fff]+, ""东""",\d+$/);
    expect(lines.at(-1)).toBe('');
  });

  it('prints an aligned table when asked, Chinese characters counted two cells wide, numbers right-aligned', async () => {
    const r = await dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'table', '--format', 'table']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^district\s+n$/);
    expect(lines[1]).toMatch(/^─+ {2}─+$/);
    const widths = new Set(lines.slice(1).map((l) => displayWidth(l)));
    expect(widths.size).toBe(1); // every row ends in the same column: the counts are right-aligned
    expect(lines.slice(2).every((l) => /^[\u4e00-\u9fff]+\s+\d+$/.test(l))).toBe(true);
  });

  it('prints JSON records keyed by column name', async () => {
    const r = await dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'json', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const records = JSON.parse(r.stdout) as { district: string; n: number }[];
    expect(records.length).toBeGreaterThan(5);
    for (const rec of records) {
      expect(Object.keys(rec)).toEqual(['district', 'n']);
      expect(rec.n % 5).toBe(0);
    }
  });

  it('explains without running: the protection per column on stdout, the decision on stderr', async () => {
    const r = await dsbx(['query', '--explain', '--sql', BY_DISTRICT, '--purpose', 'explain', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('column,protection,level,detail\r\ndistrict,group_key,L2,\r\nn,aggregate,L1,"count_star, rounded"\r\n');
    expect(r.stderr).toMatch(/^allow \(aggregate, threshold profile, population\) · ≥10 people per group/);
  });
});

describe.concurrent('dsbx query, refusals and failures', () => {
  it('exits 3 on a policy refusal, naming the rule and the column on stderr and writing nothing to stdout', async () => {
    const r = await dsbx(['query', '--sql', 'SELECT id_card, count(*) FROM population.residents GROUP BY id_card', '--purpose', 'x']);
    expect(r.code).toBe(EXIT_CODES.refused);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dsbx query: POLICY_DENIED: /);
    expect(r.stderr).toMatch(/L4_\w+ {2}population\.residents\.id_card/);
    expect(r.stderr).toMatch(/lineage [0-9a-f-]{36}/);
  });

  it('exits 3 on a syntax error', async () => {
    const r = await dsbx(['query', '--sql', 'SELEC district FROM', '--purpose', 'x']);
    expect(r.code).toBe(EXIT_CODES.refused);
    expect(r.stderr).toMatch(/^dsbx query: SQL_SYNTAX: /);
  });

  it('exits 4 when the license does not cover the dataset', async () => {
    const marketOnly = await t.token('developer', { sub: 'market-only', datasets: ['market'] });
    const r = await dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'x'], { DSBX_TOKEN: marketOnly });
    expect(r.code).toBe(EXIT_CODES.access);
    expect(r.stderr).toMatch(/^dsbx query: NOT_LICENSED: /);
  });

  it('exits 4 on a token the service did not sign', async () => {
    const [h, p] = developer.split('.');
    const r = await dsbx(['catalog'], { DSBX_TOKEN: `${h}.${p}.${'A'.repeat(86)}` });
    expect(r.code).toBe(EXIT_CODES.access);
    expect(r.stderr).toMatch(/^dsbx catalog: UNAUTHENTICATED: /);
  });

  it('exits 5 when the query would spend more ε than the license has left on a dp dataset', async () => {
    const spender = await t.token('developer', { sub: 'budget-spender' });
    const client = new DsbxClient({ url: server.url, token: spender });
    const { budgets } = await client.budget();
    const allocation = budgets.find((b) => b.dataset === 'health')?.allocation ?? 0;
    // Distinct queries (an identical repeat would be free), each at ε 2, until the allocation is spent.
    for (let i = 0; i < Math.ceil(allocation / 2); i++) {
      await client.query({ sql: `SELECT hospital_level, count(*) AS n FROM health.medical_claims WHERE hospital_code <> 'none-${i}' GROUP BY hospital_level`, purpose: 'spend', dp: { epsilon: 2 } });
    }
    const r = await dsbx(['query', '--sql', 'SELECT count(*) AS n FROM health.medical_claims', '--purpose', 'one more', '--epsilon', '1'], { DSBX_TOKEN: spender });
    expect(r.code).toBe(EXIT_CODES.limit);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dsbx query: BUDGET_EXHAUSTED: /);
  });

  it('exits 6 when no service answers at DSBX_URL', async () => {
    const r = await dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'x'], { DSBX_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(EXIT_CODES.service);
    expect(r.stderr).toMatch(/^dsbx query: UNREACHABLE: /);
  });

  it('exits 2 on a usage error or a missing DSBX_TOKEN, before contacting the service', async () => {
    const [noPurpose, noToken, bothSources] = await Promise.all([
      dsbx(['query', '--sql', BY_DISTRICT]),
      dsbx(['query', '--sql', BY_DISTRICT, '--purpose', 'x'], { DSBX_TOKEN: '' }),
      dsbx(['query', '--sql', BY_DISTRICT, '--file', 'q.sql', '--purpose', 'x']),
    ]);
    expect([noPurpose.code, noToken.code, bothSources.code]).toEqual([2, 2, 2]);
    expect(noToken.stderr).toMatch(/DSBX_TOKEN/);
  });

  it('documents the exit status of every error family in its help', async () => {
    const r = await dsbx(['query', '--help']);
    expect(r.code).toBe(0);
    for (const line of [/ 3 {2}refused: .*POLICY_DENIED/, / 4 {2}access: .*NOT_LICENSED/, / 5 {2}limit: .*BUDGET_EXHAUSTED/, / 6 {2}service: .*UNREACHABLE/]) {
      expect(r.stdout).toMatch(line);
    }
  });
});

describe.concurrent('dsbx catalog', () => {
  it('lists the datasets, and one dataset’s columns with their levels', async () => {
    const [all, one] = await Promise.all([dsbx(['catalog', '--format', 'json']), dsbx(['catalog', 'population', '--format', 'csv'])]);
    expect(all.code, all.stderr).toBe(0);
    expect((JSON.parse(all.stdout) as { datasets: { id: string }[] }).datasets.map((d) => d.id)).toContain('health');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.split('\r\n')[0]).toBe('table,column,title,type,level,kind,semantic,bounds,mask,pseudonym,categorical');
    expect(one.stdout).toContain('population.residents,id_card,公民身份号码,VARCHAR,L4,identifier,id_card,,id_card,true,false');
  });

  it('exits 3 for a dataset that does not exist', async () => {
    const r = await dsbx(['catalog', 'nosuch']);
    expect(r.code).toBe(EXIT_CODES.refused);
    expect(r.stderr).toMatch(/^dsbx catalog: NOT_FOUND: /);
  });
});

describe.concurrent('dsbx budget', () => {
  it('shows the ε allocation, spent and remaining on each dp dataset the license covers', async () => {
    const marketOnly = await t.token('developer', { sub: 'budget-market-only', datasets: ['market'] });
    const [all, none] = await Promise.all([dsbx(['budget', '--format', 'csv']), dsbx(['budget', '--format', 'csv'], { DSBX_TOKEN: marketOnly })]);
    expect(all.code, all.stderr).toBe(0);
    const [header, health, ...rest] = all.stdout.split('\r\n');
    expect(header).toBe('dataset,allocation,spent,remaining');
    const [name, allocation, spent, remaining] = (health ?? '').split(',').map((x, i) => (i === 0 ? x : Number(x)));
    expect(name).toBe('health');
    expect(allocation).toBeGreaterThan(0);
    expect(Number(spent) + Number(remaining)).toBeCloseTo(Number(allocation));
    expect(rest).toEqual(['']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('dataset,allocation,spent,remaining\r\n');
  });
});
