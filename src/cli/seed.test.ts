// `dsbx seed`: seeds $DSBX_HOME at the requested scale, and refuses options it does not know.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { help, run } from './seed.ts';

const saved = process.env.DSBX_HOME;
afterEach(() => {
  if (saved === undefined) delete process.env.DSBX_HOME;
  else process.env.DSBX_HOME = saved;
  vi.restoreAllMocks();
});

describe('dsbx seed', () => {
  it('writes domain.duckdb into DSBX_HOME with the requested number of residents', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-cli-seed-'));
    process.env.DSBX_HOME = home;
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: unknown) => void out.push(String(m)));
    expect(await run(['--scale', '120', '--seed', '3'])).toBe(0);
    expect(fs.existsSync(path.join(home, 'domain.duckdb'))).toBe(true);
    expect(out.some((l) => /population\.residents\s+120 rows/.test(l))).toBe(true);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it.each([
    { name: 'an unknown option', args: ['--scales', '10'] },
    { name: 'a scale that is not a number', args: ['--scale', 'ten'] },
    { name: 'a missing value', args: ['--seed'] },
  ])('exits with 2 and writes nothing on $name', async ({ args }) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-cli-seed-'));
    process.env.DSBX_HOME = home;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await run(args)).toBe(2);
    expect(fs.readdirSync(home)).toEqual([]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('documents its options', () => {
    expect(help).toContain('--scale');
    expect(help).toContain('--seed');
  });
});
