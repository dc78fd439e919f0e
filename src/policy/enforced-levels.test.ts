// The grading file must declare exactly the rules the compiler enforces; a divergent file is refused at load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFileError } from '../catalog/load.ts';
import { loadPolicy } from './load.ts';

const POLICIES = path.resolve(import.meta.dirname, '../../policies');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of policies/ with grading.yaml edited by `edit`. */
function policiesWith(edit: (grading: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-grading-'));
  dirs.push(dir);
  fs.cpSync(POLICIES, dir, { recursive: true });
  const file = path.join(dir, 'grading.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  return dir;
}

function loadError(dir: string): ConfigFileError {
  try {
    loadPolicy(dir);
  } catch (e) {
    if (e instanceof ConfigFileError) return e;
    throw e;
  }
  throw new Error('loadPolicy accepted the file');
}

describe('grading.yaml and the rules the compiler enforces', () => {
  it('loads the shipped policy, which declares exactly the enforced rules', () => {
    expect(loadPolicy(POLICIES).grading.levels.L4.groupKey).toBe('never');
  });

  it('refuses a file that relaxes a level, naming the field', () => {
    const dir = policiesWith((g) => g.replace(/(L3:[\s\S]*?groupKey: )generalized/, '$1raw'));
    const e = loadError(dir);
    expect(e.file).toBe(path.join(dir, 'grading.yaml'));
    expect(e.problems.split('; ').map((p) => p.slice(0, p.indexOf(':')))).toEqual(['levels.L3.groupKey']);
  });

  it('refuses a file that tightens a level too, since the stricter rule would not be enforced either', () => {
    const dir = policiesWith((g) => g.replace(/(L2:[\s\S]*?orderStatistics: )true/, '$1false').replace(/(L1:[\s\S]*?filter: )any/, '$1null_check'));
    const fields = loadError(dir).problems.split('; ').map((p) => p.slice(0, p.indexOf(':')));
    expect(fields.sort()).toEqual(['levels.L1.filter', 'levels.L2.orderStatistics']);
  });

  it('lets titles change, which decide nothing', () => {
    const dir = policiesWith((g) => g.replace('en: Public', 'en: Open'));
    expect(loadPolicy(dir).grading.levels.L1.title.en).toBe('Open');
  });
});
