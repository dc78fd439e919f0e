// `dsbx token issue` refuses bad arguments with exit code 2 and prints nothing on stdout, so a script
// capturing a token never captures an error instead. (The happy path runs as a child process in test/cli.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from './token.ts';

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-token-cli-'));
  process.env.DSBX_HOME = home;
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

async function runCapturing(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    return { code: await run(args), stdout };
  } finally {
    write.mockRestore();
    err.mockRestore();
  }
}

describe('dsbx token', () => {
  it('issues a token for valid arguments (the baseline)', async () => {
    const r = await runCapturing(['issue', '--sub', 'a', '--role', 'developer', '--role', 'reviewer', '--datasets', 'all']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('.')).toHaveLength(3);
  });

  it.each([
    { name: 'no subcommand', args: [] },
    { name: 'an unknown subcommand', args: ['revoke', '--sub', 'a'] },
    { name: 'an unknown role', args: ['issue', '--sub', 'a', '--role', 'root'] },
    { name: 'no role', args: ['issue', '--sub', 'a'] },
    { name: 'no subject', args: ['issue', '--role', 'developer'] },
    { name: 'an unknown dataset', args: ['issue', '--sub', 'a', '--role', 'developer', '--datasets', 'population,secret_police'] },
    { name: 'a bad ttl', args: ['issue', '--sub', 'a', '--role', 'developer', '--ttl', '10y'] },
    { name: 'a ttl over a year', args: ['issue', '--sub', 'a', '--role', 'developer', '--ttl', '400d'] },
    { name: 'a control character in the organisation', args: ['issue', '--sub', 'a', '--role', 'developer', '--org', 'a\u0007b'] },
    { name: 'an unknown option', args: ['issue', '--sub', 'a', '--role', 'developer', '--admin'] },
    { name: 'a positional argument', args: ['issue', 'extra', '--sub', 'a', '--role', 'developer'] },
  ])('exits 2 with nothing on stdout for $name', async ({ args }) => {
    const r = await runCapturing(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
