// The researchers' Python client against a live service started here as a user would (`node bin/dsbx.js
// serve` on a home holding a generated domain): its unittest suite, and the example notebook executed
// headlessly with nbclient, failing on any cell error. Both run with /usr/bin/python3, whose Debian packages
// (python3-nbclient python3-ipykernel python3-pandas python3-matplotlib) CI installs; when they are missing
// this test fails rather than skips, so a CI without them cannot pass unnoticed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { loadOrCreateSigningKeys } from '../src/auth/keys.ts';
import { issueToken } from '../src/auth/issue.ts';
import { ERROR_STATUS } from '../src/errors.ts';
import { cachedDomainFile } from './support/domain.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const PYTHON = '/usr/bin/python3';
const CLIENT_DIR = path.join(ROOT, 'clients', 'python');
const NOTEBOOK = path.join(CLIENT_DIR, 'examples', 'quickstart.ipynb');

let home: string;
let server: ChildProcess | undefined;
let url: string;
/** One license per Python run, so the unit tests' "my latest attempt" checks never see the notebook's. */
let unitToken: string;
let notebookToken: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function python(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 90_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      args,
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYDEVD_DISABLE_FILE_VALIDATION: '1', DSBX_URL: url, ...env },
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Starts `dsbx serve` on a free port and resolves with its URL once it says where it listens. */
function serve(dsbxHome: string): Promise<string> {
  const { NODE_ENV: _n, PORT: _p, HOST: _h, ...env } = process.env;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'dsbx.js'), 'serve'], {
    cwd: ROOT,
    env: { ...env, DSBX_HOME: dsbxHome, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /dsbx listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`dsbx serve exited with ${code} before listening:\n${out}`)));
  });
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-python-'));
  fs.symlinkSync(await cachedDomainFile(3000), path.join(home, 'domain.duckdb'));
  // Keys made here are the ones the server loads from the same home, so these tokens verify there.
  const keys = await loadOrCreateSigningKeys(home);
  const config = loadConfig({ DSBX_HOME: home });
  const license = (sub: string) => issueToken(keys, config, { sub, org: 'Qiqihar University', role: 'researcher', datasets: 'all', ttl: '1h' });
  [unitToken, notebookToken] = (await Promise.all([license('python-unit'), license('python-notebook')])).map((t) => t.token) as [string, string];
  url = await serve(home);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

// Executes a copy of the notebook (the committed file keeps no outputs) from its own folder, as Jupyter
// would, and reports the figures it drew. nbclient raises CellExecutionError on the first failing cell.
const RUN_NOTEBOOK = `
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
print(json.dumps({
    "figures": sum(1 for o in outputs if "image/png" in o.get("data", {})),
    "errors": [o.get("ename") for o in outputs if o.get("output_type") == "error"],
    "text": "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream"),
}))
`;

describe('the Python notebook client against a live service', () => {
  it('finds nbclient, ipykernel, pandas and matplotlib in /usr/bin/python3 (CI installs the Debian packages)', async () => {
    const r = await python(['-c', 'import nbclient, ipykernel, pandas, matplotlib, IPython']);
    expect(r.code, `missing Python packages; install python3-nbclient python3-ipykernel python3-pandas python3-matplotlib\n${r.stderr}`).toBe(0);
  });

  it('has an error class for every code the API answers with', async () => {
    const r = await python(['-c', `import sys; sys.path.insert(0, ${JSON.stringify(CLIENT_DIR)}); import dsbx; print(" ".join(sorted(dsbx.ERROR_CLASSES)))`]);
    expect(r.code, r.stderr).toBe(0);
    const python_codes = new Set(r.stdout.trim().split(' '));
    for (const code of Object.keys(ERROR_STATUS)) expect(python_codes.has(code), code).toBe(true);
  });

  it('passes its unittest suite with nothing skipped, and runs the quickstart notebook without a cell error', async () => {
    const [unit, notebook] = await Promise.all([
      python(['-m', 'unittest', 'discover', '-s', 'clients/python/tests'], { DSBX_TOKEN: unitToken }),
      python(['-c', RUN_NOTEBOOK, NOTEBOOK, path.dirname(NOTEBOOK)], { DSBX_TOKEN: notebookToken }),
    ]);
    expect(unit.code, unit.stderr).toBe(0);
    expect(unit.stderr).toMatch(/^Ran \d+ tests/m);
    expect(unit.stderr).toMatch(/^OK$/m); // "OK (skipped=N)" would mean the live tests did not run
    expect(notebook.code, notebook.stderr.slice(-4000)).toBe(0);
    const report = JSON.parse(notebook.stdout) as { figures: number; errors: string[]; text: string };
    expect(report.errors).toEqual([]);
    expect(report.figures).toBeGreaterThanOrEqual(3);
    expect(report.text).toMatch(/≥10 people per group, counts rounded to 5 · .*lineage [0-9a-f-]{36}/);
    expect(report.text).toContain('rules broken: ');
  }, 120_000);
});
