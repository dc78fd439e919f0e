// Runs every benchmark of bench/ as a child process (each keeps its own printing, passed through), reads the
// figures out of what each printed, and writes bench/RESULTS.md: one Markdown table of every figure beside
// the baseline measured in the same run (where the bench has one) and their ratio.
// Usage: npx tsx bench/run.ts [--full] [--only a,b]   (--full: 1,000,000 residents / lineage records instead of
// the small scale; --only: just the named benches, for trying one out — RESULTS.md is then not written)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const full = process.argv.includes('--full');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set(String(process.argv[onlyArg + 1]).split(',')) : undefined;
const benchDir = import.meta.dirname;
const root = path.resolve(benchDir, '..');

/** Small by default so a run takes a few minutes on a laptop; --full is the scale of issue 10's targets. */
const SCALE = full
  ? { residents: 1_000_000, iterations: 200, releaseRows: 1_000_000, lineageRecords: 1_000_000, compileRounds: 5, loadSeconds: 10 }
  : { residents: 3_000, iterations: 100, releaseRows: 100_000, lineageRecords: 100_000, compileRounds: 3, loadSeconds: 5 };

interface Figure {
  readonly bench: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** What the figure is compared with, measured in the same run; absent where the bench has no baseline. */
  readonly baseline?: { readonly label: string; readonly value: number };
}

interface BenchRun {
  readonly name: string;
  readonly args: readonly string[];
  /** Reads the figures out of the bench's printed output; a line that no longer matches fails the run. */
  readonly parse: (out: string) => Figure[];
}

/** The numbers of the first line matching `re`; a bench whose printing changed must fail loudly, not vanish. */
function numbers(out: string, re: RegExp, bench: string): number[] {
  const m = re.exec(out);
  if (!m) throw new Error(`${bench}: no line matches ${re}`);
  return m.slice(1).map((s) => Number(String(s).replaceAll(',', '')));
}

const BENCHES: readonly BenchRun[] = [
  {
    name: 'compile',
    args: [String(SCALE.compileRounds)],
    parse: (out) => {
      const [p50 = NaN, p99 = NaN] = numbers(out, /compile p50 ([\d.]+) ms, p99 ([\d.]+) ms/, 'compile');
      return [
        { bench: 'compile', figure: 'compile time per allowed query, p50', value: p50, unit: 'ms' },
        { bench: 'compile', figure: 'compile time per allowed query, p99', value: p99, unit: 'ms', baseline: { label: 'p50', value: p50 } },
      ];
    },
  },
  {
    name: 'lineage',
    args: ['--records', String(SCALE.lineageRecords)],
    parse: (out) => {
      const [seq = NaN] = numbers(out, /appends, 1 appender\(s\), fsync each commit: (\d+) \/s/, 'lineage');
      const [conc = NaN] = numbers(out, /appends, 32 appender\(s\), fsync each commit: (\d+) \/s/, 'lineage');
      const [count = NaN, secs = NaN] = numbers(out, /verify (\d+) records .*?: ([\d.]+) s/, 'lineage');
      return [
        { bench: 'lineage', figure: 'appends/s, 1 appender, fsync each', value: seq, unit: '/s' },
        { bench: 'lineage', figure: 'appends/s, 32 appenders, group commit', value: conc, unit: '/s', baseline: { label: '1 appender', value: seq } },
        { bench: 'lineage', figure: `verify ${count.toLocaleString('en')} records`, value: secs, unit: 's', baseline: { label: 'target 10 s per 1M, scaled', value: (10 * count) / 1_000_000 } },
      ];
    },
  },
  {
    name: 'sandbox',
    args: ['--scale', String(SCALE.residents), '--iterations', String(SCALE.iterations), '--rows', String(SCALE.releaseRows)],
    parse: (out) => {
      const [b50 = NaN, b90 = NaN] = numbers(out, /baseline\s+direct in-process DuckDB, one connection\s+p50 ([\d.]+) ms\s+p90 ([\d.]+) ms/, 'sandbox');
      const [s50 = NaN, s90 = NaN] = numbers(out, /sandbox\s+Sandbox\.execute \(IPC, executor, gate\)\s+p50 ([\d.]+) ms\s+p90 ([\d.]+) ms/, 'sandbox');
      const [fresh50 = NaN] = numbers(out, /fresh connection \+ macros \+ guard per query\s+p50 ([\d.]+) ms/, 'sandbox');
      const [pooled50 = NaN] = numbers(out, /pooled connection \+ guard\s+p50 ([\d.]+) ms/, 'sandbox');
      const [kept50 = NaN] = numbers(out, /pooled connection, guard verdict remembered\s+p50 ([\d.]+) ms/, 'sandbox');
      const [tripCount = NaN] = numbers(out, /row release of ([\d,]+) transit trips/, 'sandbox');
      const [dRead = NaN] = numbers(out, /baseline\s+direct in-process read\s+([\d.]+) s/, 'sandbox');
      const [sRead = NaN] = numbers(out, /sandbox\s+executor read \+ gate \+ IPC\s+([\d.]+) s/, 'sandbox');
      const [rowsGate = NaN] = numbers(out, /row release \(4 masks.*?:\s+([\d.]+) s/, 'sandbox');
      const [aggGate = NaN] = numbers(out, /aggregate release \(threshold.*?:\s+([\d.]+) s/, 'sandbox');
      return [
        { bench: 'sandbox', figure: 'small aggregate via Sandbox.execute, p50', value: s50, unit: 'ms', baseline: { label: 'direct DuckDB p50', value: b50 } },
        { bench: 'sandbox', figure: 'small aggregate via Sandbox.execute, p90', value: s90, unit: 'ms', baseline: { label: 'direct DuckDB p90', value: b90 } },
        { bench: 'sandbox', figure: 'executor steps in-process, pooled connection + guard, p50', value: pooled50, unit: 'ms', baseline: { label: 'fresh connection + macros + guard', value: fresh50 } },
        { bench: 'sandbox', figure: 'executor steps in-process, pooled, guard verdict remembered, p50', value: kept50, unit: 'ms', baseline: { label: 'fresh connection + macros + guard', value: fresh50 } },
        { bench: 'sandbox', figure: `row release of ${tripCount.toLocaleString('en')} transit trips`, value: sRead, unit: 's', baseline: { label: 'direct read', value: dRead } },
        { bench: 'sandbox', figure: `output gate, ${SCALE.releaseRows.toLocaleString('en')}-row release (masks, pseudonym, k-anon)`, value: rowsGate, unit: 's' },
        { bench: 'sandbox', figure: `output gate, ${SCALE.releaseRows.toLocaleString('en')}-group aggregate release`, value: aggGate, unit: 's' },
      ];
    },
  },
  {
    name: 'query-latency',
    args: ['--scale', String(SCALE.residents), '--iterations', String(SCALE.iterations)],
    parse: (out) => {
      const rows = [...out.matchAll(/^\| (.+?)… \| ([\d.]+) \/ ([\d.]+) ms \| ([\d.]+) \/ ([\d.]+) ms \|/gm)];
      if (rows.length === 0) throw new Error('query-latency: no result rows');
      const perQuery = rows.map((m): Figure => {
        const [, sql = '', d50, , h50] = m;
        return { bench: 'query-latency', figure: `HTTP p50: ${sql.replaceAll('|', '\\|')}…`, value: Number(h50), unit: 'ms', baseline: { label: 'direct DuckDB p50', value: Number(d50) } };
      });
      const summary: Figure[] = [];
      const small = /small queries \(direct p50 < 100 ms\): (\d+), median p50 overhead ([\d.-]+) ms, worst ([\d.-]+) ms/.exec(out);
      if (small) {
        summary.push({ bench: 'query-latency', figure: `p50 overhead, median over the ${small[1]} small queries (< 100 ms direct)`, value: Number(small[2]), unit: 'ms', baseline: { label: 'target', value: 5 } });
        summary.push({ bench: 'query-latency', figure: 'p50 overhead, worst small query', value: Number(small[3]), unit: 'ms', baseline: { label: 'target', value: 5 } });
      }
      const bare = /bare route over the small queries: median p50 overhead ([\d.-]+) ms/.exec(out);
      if (bare) {
        summary.push({ bench: 'query-latency', figure: 'p50 overhead of a bare Hono route + DuckDB (no checks), median over the small queries', value: Number(bare[1]), unit: 'ms', baseline: { label: 'target', value: 5 } });
      }
      const large = /queries of ≥ 100 ms direct: (\d+), end to end \/ direct p50 ([\d.]+)× over their total, worst ([\d.]+)×/.exec(out);
      if (large) {
        summary.push({ bench: 'query-latency', figure: `end to end / direct, p50 over the ${large[1]} queries of ≥ 100 ms`, value: Number(large[2]), unit: '×', baseline: { label: 'target', value: 1.15 } });
        summary.push({ bench: 'query-latency', figure: 'end to end / direct, worst query of ≥ 100 ms', value: Number(large[3]), unit: '×', baseline: { label: 'target', value: 1.15 } });
      }
      return [...summary, ...perQuery];
    },
  },
  {
    name: 'throughput',
    args: ['--scale', String(SCALE.residents), '--clients', '16', '--seconds', String(SCALE.loadSeconds), '--rounds', '2'],
    parse: (out) => {
      const [b = NaN, b50 = NaN, b99 = NaN, bCpu = NaN] = numbers(out, /baseline\s+bare Hono route.*?([\d.]+) req\/s\s+p50 ([\d.]+) ms\s+p99 ([\d.]+) ms\s+cpu ([\d.]+) ms\/req/, 'throughput');
      const [f = NaN, f50 = NaN, f99 = NaN, fCpu = NaN] = numbers(out, /service\s+full query path.*?([\d.]+) req\/s\s+p50 ([\d.]+) ms\s+p99 ([\d.]+) ms\s+cpu ([\d.]+) ms\/req/, 'throughput');
      return [
        { bench: 'throughput', figure: 'small aggregate, 16 clients: requests/s (target ≥ 0.5× bare)', value: f, unit: '/s', baseline: { label: 'bare Hono route + DuckDB', value: b } },
        { bench: 'throughput', figure: 'small aggregate, 16 clients: p50 latency', value: f50, unit: 'ms', baseline: { label: 'bare Hono route + DuckDB', value: b50 } },
        { bench: 'throughput', figure: 'small aggregate, 16 clients: p99 latency', value: f99, unit: 'ms', baseline: { label: 'bare Hono route + DuckDB', value: b99 } },
        { bench: 'throughput', figure: 'CPU time per request (server + executor)', value: fCpu, unit: 'ms', baseline: { label: 'bare Hono route + DuckDB', value: bCpu } },
      ];
    },
  },
  {
    name: 'memory',
    args: ['--scale', String(SCALE.residents), '--clients', '16', '--seconds', String(SCALE.loadSeconds)],
    parse: (out) => {
      const [sIdle = NaN, sLoad = NaN] = numbers(out, /server\s+idle RSS (\d+) MiB\s+under load max RSS (\d+) MiB/, 'memory');
      const [eIdle = NaN, eLoad = NaN, , ePeak = NaN] = numbers(out, /executor\s+idle RSS (\d+) MiB\s+under load max RSS (\d+) MiB\s+after RSS (\d+) MiB\s+peak (\d+) MiB/, 'memory');
      return [
        { bench: 'memory', figure: 'server RSS under load (corpus, 16 clients)', value: sLoad, unit: 'MiB', baseline: { label: 'idle', value: sIdle } },
        { bench: 'memory', figure: 'sandbox executor RSS under load', value: eLoad, unit: 'MiB', baseline: { label: 'idle', value: eIdle } },
        { bench: 'memory', figure: `sandbox executor peak (VmHWM), ${SCALE.residents.toLocaleString('en')} residents`, value: ePeak, unit: 'MiB', baseline: { label: 'idle', value: eIdle } },
      ];
    },
  },
  {
    name: 'breakdown',
    args: ['--scale', String(SCALE.residents), '--iterations', String(SCALE.iterations)],
    parse: (out) => {
      const rows = [...out.matchAll(/^\| ([^|]+?) \| ([\d.]+) ms \| ([\d.]+) ms \| (?:([\d.]+) ms|—) \|$/gm)];
      if (rows.length === 0) throw new Error('breakdown: no result rows');
      const [rest = NaN] = numbers(out, /rest of the service process .*?: (-?[\d.]+) ms CPU per request/, 'breakdown');
      const bare = rows.find((m) => m[1]?.startsWith('baseline'));
      return [
        ...rows
          .filter((m) => !m[1]?.startsWith('baseline'))
          .map((m): Figure => {
            const cpu = Number(m[3]) + (m[4] ? Number(m[4]) : 0);
            const whole = m[1]?.startsWith('whole');
            return {
              bench: 'breakdown',
              figure: `CPU per call (service${m[4] ? ' + executor' : ''}): ${m[1]}`,
              value: cpu,
              unit: 'ms',
              ...(whole && bare ? { baseline: { label: 'bare Hono route + DuckDB', value: Number(bare[3]) } } : {}),
            };
          }),
        { bench: 'breakdown', figure: 'CPU per request, rest of the service (HTTP, validation, decision cache, logging, glue)', value: rest, unit: 'ms' },
      ];
    },
  },
  {
    name: 'generator',
    args: ['--scale', String(SCALE.residents * (full ? 1 : 10))],
    parse: (out) => {
      const [secs = NaN, mib = NaN] = numbers(out, /total ([\d.]+) s, domain file (\d+) MiB/, 'generator');
      const [scale = NaN] = numbers(out, /seeding ([\d,]+) residents/, 'generator');
      return [
        { bench: 'generator', figure: `seed ${scale.toLocaleString('en')} residents`, value: secs, unit: 's' },
        { bench: 'generator', figure: `domain file for ${scale.toLocaleString('en')} residents`, value: mib, unit: 'MiB' },
      ];
    },
  },
];

/** Runs one bench, echoing its output as it comes, and returns what it printed on stdout. */
function runBench(b: BenchRun): Promise<{ out: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, `${b.name}.ts`), ...b.args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ out, seconds: (performance.now() - started) / 1000 }) : reject(new Error(`bench ${b.name} exited with ${code}`))));
  });
}

const fmt = (x: number): string => (Number.isNaN(x) ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

const figures: Figure[] = [];
const durations: string[] = [];
const failed: string[] = [];
for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  console.log(`\n== ${b.name} ${b.args.join(' ')}`);
  try {
    const { out, seconds } = await runBench(b);
    figures.push(...b.parse(out));
    durations.push(`${b.name} ${seconds.toFixed(0)} s`);
  } catch (e) {
    // One bench failing (a long --full run on a shared machine) must not lose the others' figures; the
    // table says which failed, and the run exits non-zero.
    console.error(`bench ${b.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    failed.push(b.name);
    durations.push(`${b.name} failed`);
  }
}
if (failed.length > 0) process.exitCode = 1;

const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${full ? ' -- --full' : ''}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown cpu'}), ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${full ? 'full scale (1,000,000 residents)' : `small scale (${SCALE.residents.toLocaleString('en')} residents; \`-- --full\` for 1,000,000)`}.`,
  'Every baseline was measured in the same run on the same machine; ratio = figure / baseline.',
  '',
  '| bench | figure | value | baseline | baseline value | ratio |',
  '|---|---|---|---|---|---|',
  ...figures.map((f) =>
    `| ${f.bench} | ${f.figure} | ${fmt(f.value)} ${f.unit} | ${f.baseline?.label ?? '—'} | ${f.baseline ? `${fmt(f.baseline.value)} ${f.unit}` : '—'} | ${f.baseline ? `${(f.value / f.baseline.value).toFixed(2)}×` : '—'} |`,
  ),
  '',
  `Wall time per bench: ${durations.join(', ')}.`,
  ...(failed.length > 0 ? ['', `**Failed in this run (no figures above): ${failed.join(', ')}.**`] : []),
  '',
];
if (only) {
  console.log(`\n${lines.join('\n')}\n(--only: bench/RESULTS.md left as it was)`);
} else {
  fs.writeFileSync(path.join(benchDir, 'RESULTS.md'), lines.join('\n'));
  console.log(`\nwrote bench/RESULTS.md (${figures.length} figures)`);
}
