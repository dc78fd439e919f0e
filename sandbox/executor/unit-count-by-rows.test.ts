// Which answers of a unit count by rows may stand: every group decided by its row count alone (fewer than k
// rows, or more than the bound), nothing else; and an undecided text is not tried again. On the real
// hardened instance over the tiny domain; the release through the whole sandbox is tested in
// src/sql/unit-row-bounds.test.ts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../../src/sql/compiled.ts';
import { residentsPerDistrict } from '../fixtures/compiled-plans.ts';
import { buildTinyDomain } from '../fixtures/tiny-domain.ts';
import type { GateValue, RawResult } from '../gate/types.ts';
import { ConnectionPool } from './connection-pool.ts';
import { openHardenedDomain, type HardenedDomain } from './hardened-instance.ts';
import { RememberedTexts } from './remembered-texts.ts';
import type { QueryEngine } from './run-query.ts';
import { runRelease, undecidedRows } from './unit-count-by-rows.ts';

const K = 10;
const BOUND = 79;
const answer = (...counts: GateValue[]): RawResult => ({
  columns: [{ name: 'district', type: 'VARCHAR' }, { name: '__dsbx_units', type: 'BIGINT' }],
  rows: counts.map((n, i) => [`d${i}`, n]),
  moreRowsThanRead: false,
});
const decided = (r: RawResult): boolean => undecidedRows(r, '__dsbx_units', K, BOUND)?.length === 0;

describe('a unit count by rows stands', () => {
  it.each([
    { name: 'groups of fewer than k rows', counts: [1, K - 1] },
    { name: 'groups of more rows than the bound', counts: [BOUND + 1, 5_000_000] },
    { name: 'both, as counts or BIGINTs', counts: [0n, 3, BigInt(BOUND + 1), 200] },
    { name: 'no group at all', counts: [] },
  ])('with $name', ({ counts }) => {
    expect(decided(answer(...counts))).toBe(true);
  });
});

describe('the exact count runs instead', () => {
  it.each([
    { name: 'a group of exactly k rows, which could be one person', counts: [K] },
    { name: 'a group of as many rows as the bound', counts: [BOUND + 1, BOUND] },
    { name: 'one undecided group among decided ones', counts: [1, 500, 40, 2] },
    { name: 'a helper that is not a count', counts: [null] },
    { name: 'a fractional helper', counts: [100.5] },
    { name: 'a negative helper', counts: [-1] },
    { name: 'a helper given as text', counts: ['500'] },
    { name: 'a helper beyond safe integers', counts: [2n ** 60n] },
  ])('on $name', ({ counts }) => {
    expect(decided(answer(...counts))).toBe(false);
  });

  it('when the answer has no helper column', () => {
    expect(undecidedRows(answer(500), 'other', K, BOUND)).toBeUndefined();
  });
});

describe('running a release with its unit count by rows', () => {
  let hardened: HardenedDomain;
  let engine: QueryEngine;
  beforeAll(async () => {
    const tiny = await buildTinyDomain();
    hardened = await openHardenedDomain({ domainFile: tiny.domainFile, tmpDir: tiny.tmpDir, threads: 1, memoryLimit: '256MB', tempDirectorySize: '256MB' });
    engine = { pool: await ConnectionPool.open(hardened.instance, 2), domain: hardened.domain, allowed: new RememberedTexts(), undecidedByRows: new RememberedTexts() };
  });
  afterAll(() => {
    engine?.pool.close();
    hardened?.instance.closeSync();
  });

  /** The tiny domain's districts (9, 10, 11 people and a large one), counted by rows, decided above `bound`. */
  const plan = (bound: number): CompiledQuery => {
    const exact = residentsPerDistrict();
    return { ...exact, unitCountByRows: { sql: exact.sql.replace('count(DISTINCT id_card)', 'count(*)'), decidedAbove: bound } };
  };
  /** Runs the release and counts the statements it ran (one connection each). */
  const release = async (p: CompiledQuery) => {
    let statements = 0;
    const run = await runRelease(engine, p, { onConnection: (c: DuckDBConnection | null) => void (c && statements++), interrupted: () => false });
    return { ...run, statements };
  };

  it('answers from the rows when they decide every group, in one statement', async () => {
    const p = plan(8);
    const r = await release(p);
    expect(r.sql).toBe(p.unitCountByRows?.sql);
    expect(r.statements).toBe(1);
    expect(engine.undecidedByRows.has(p.unitCountByRows!.sql)).toBe(false);
  });

  it('refines undecided groups by their hash, and runs the exact count instead when hashes do not single out groups', async () => {
    const exact = residentsPerDistrict();
    const hashing = (key: string): CompiledQuery => ({
      ...exact,
      unitCountByRows: {
        sql: exact.sql.replace('count(DISTINCT id_card) AS __dsbx_units', `count(*) AS __dsbx_units, hash(${key}) AS __dsbx_group`),
        decidedAbove: 1000,
        undecided: { sqlBeforeHashes: `SELECT * FROM (${exact.sql.replace(' AS __dsbx_units', ` AS __dsbx_units, hash(${key}) AS __dsbx_group`)}) AS __dsbx_refine WHERE __dsbx_group IN ` },
      },
    });
    const refined = await release(hashing('district'));
    expect(refined.sql).toMatch(/;\n.* WHERE __dsbx_group IN \(\$1(, \$\d+)*\)$/);
    expect(refined.raw.columns.map((c) => c.name)).toEqual(['district', 'n', '__dsbx_units']);
    const plain = await release(exact);
    expect(refined.raw.rows).toEqual(plain.raw.rows);
    // Every group hashing the same: the hashes asked for are not distinct, so nothing of the refinement is used.
    const collided = await release(hashing("'one'"));
    expect(collided.sql).toBe(exact.sql);
    expect(collided.raw.rows).toEqual(plain.raw.rows);
  });

  it('runs the exact count when a group is undecided, and then only the exact count for that text', async () => {
    // Districts of 10 and 11 rows lie between k and the bound.
    const p = plan(1000);
    const first = await release(p);
    expect(first.sql).toBe(p.sql);
    expect(first.statements).toBe(2);
    const again = await release(p);
    expect(again.sql).toBe(p.sql);
    expect(again.statements).toBe(1);
    expect(again.raw.rows).toEqual(first.raw.rows);
  });
});
