// The run-time error check over real bound plans from the compiler's plan-check instance: which casts are
// total, which string constants DuckDB must verify, and which arithmetic may overflow.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.ts';
import { SqlCompiler } from './compiler.ts';
import { castIsTotal, findRuntimeRisks, isCalendarLiteral, type RuntimeFinding } from './runtime-errors.ts';

const catalog = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
let compiler: SqlCompiler;
beforeAll(async () => { compiler = await SqlCompiler.create(catalog); });
afterAll(() => compiler.close());

async function risksOf(sql: string): Promise<RuntimeFinding> {
  const plan = await compiler.plan(sql);
  if (!plan.ok) throw new Error('the test query does not bind');
  return findRuntimeRisks(plan.plan);
}

describe('castIsTotal', () => {
  it.each([
    { name: 'an integer widened', from: { id: 'INTEGER' }, to: { id: 'BIGINT' }, total: true },
    { name: 'a BIGINT narrowed', from: { id: 'BIGINT' }, to: { id: 'INTEGER' }, total: false },
    { name: 'anything to VARCHAR', from: { id: 'DATE' }, to: { id: 'VARCHAR' }, total: true },
    { name: 'a VARCHAR to a number', from: { id: 'VARCHAR' }, to: { id: 'INTEGER' }, total: false },
    { name: 'a VARCHAR to a date', from: { id: 'VARCHAR' }, to: { id: 'DATE' }, total: false },
    { name: 'a DATE to a TIMESTAMP', from: { id: 'DATE' }, to: { id: 'TIMESTAMP' }, total: true },
    { name: 'an INTEGER to a TIMESTAMP', from: { id: 'INTEGER' }, to: { id: 'TIMESTAMP' }, total: false },
    { name: 'a DECIMAL to a DOUBLE', from: { id: 'DECIMAL', width: 12, scale: 2 }, to: { id: 'DOUBLE' }, total: true },
    { name: 'a DECIMAL to a wider DECIMAL', from: { id: 'DECIMAL', width: 12, scale: 2 }, to: { id: 'DECIMAL', width: 18, scale: 3 }, total: true },
    { name: 'a DECIMAL to a narrower DECIMAL', from: { id: 'DECIMAL', width: 12, scale: 2 }, to: { id: 'DECIMAL', width: 6, scale: 2 }, total: false },
    { name: 'an INTEGER to a DECIMAL with room', from: { id: 'INTEGER' }, to: { id: 'DECIMAL', width: 18, scale: 3 }, total: true },
    { name: 'an INTEGER to a DECIMAL without room', from: { id: 'INTEGER' }, to: { id: 'DECIMAL', width: 9, scale: 2 }, total: false },
    { name: 'a DOUBLE to an INTEGER', from: { id: 'DOUBLE' }, to: { id: 'INTEGER' }, total: false },
  ])('says $name is total: $total', ({ from, to, total }) => {
    expect(castIsTotal(from, to)).toBe(total);
  });
});

describe('isCalendarLiteral', () => {
  it.each([
    { value: '2024-02-29', target: 'DATE', ok: true },
    { value: '2023-02-29', target: 'DATE', ok: false },
    { value: '2024-13-01', target: 'DATE', ok: false },
    { value: '2024-01-01 08:00:00', target: 'DATE', ok: false },
    { value: '2024-01-01 08:00:00', target: 'TIMESTAMP', ok: true },
    { value: '2024-01-01 24:00:00', target: 'TIMESTAMP', ok: false },
    { value: '2024-01-01', target: 'INTEGER', ok: false },
    { value: '24-1-1', target: 'DATE', ok: false },
  ])('reads $value as a $target: $ok', ({ value, target, ok }) => {
    expect(isCalendarLiteral(value, target)).toBe(ok);
  });
});

describe('findRuntimeRisks', () => {
  describe('when a column is compared with a literal of another type', () => {
    it.each([
      'SELECT count(*) FROM transit.card_trips WHERE boarded_at = 0',
      'SELECT count(*) FROM population.residents WHERE district IN (0)',
      'SELECT count(*) FROM market.enterprises WHERE established_on = 0',
      'SELECT count(*) FROM market.enterprises WHERE CAST(district AS INTEGER) > 0',
      'SELECT count(*) FROM market.enterprises WHERE registered_capital::INTEGER > 0',
    ])('finds a type mismatch in %s', async (sql) => {
      expect([...(await risksOf(sql)).risks]).toEqual(['TYPE_MISMATCH']);
    });
  });

  describe('when a string literal is cast to the column type', () => {
    it('passes plain calendar dates and timestamps without asking DuckDB', async () => {
      const f = await risksOf("SELECT count(*) FROM transit.card_trips WHERE boarded_at >= '2025-05-01 06:00:00' AND boarded_at < DATE '2025-06-01'");
      expect(f.risks.size).toBe(0);
      expect(f.constantCasts).toEqual([]);
    });

    it('hands other literals to DuckDB, which says whether they convert', async () => {
      const good = await risksOf("SELECT count(*) FROM market.enterprises WHERE registered_capital = '12.5'");
      const bad = await risksOf("SELECT count(*) FROM market.enterprises WHERE registered_capital = 'abc'");
      expect(good.constantCasts).toHaveLength(1);
      expect(await compiler.castsConvert(good.constantCasts)).toBe(true);
      expect(await compiler.castsConvert(bad.constantCasts)).toBe(false);
      expect(await compiler.castsConvert([...good.constantCasts, ...bad.constantCasts])).toBe(false);
    });
  });

  describe('when a function may raise on values out of its domain', () => {
    it.each([
      'SELECT sum(sqrt(registered_capital)) FROM market.enterprises',
      'SELECT count(*) FROM market.enterprises WHERE ln(registered_capital) > 0',
      'SELECT count(*) FROM market.enterprises WHERE make_date(year(established_on), 13, 1) IS NOT NULL',
      "SELECT count(*) FROM market.enterprises WHERE substr(name, 1, 100000000000) = 'x'",
    ])('finds a run-time error in %s', async (sql) => {
      expect([...(await risksOf(sql)).risks]).toEqual(['RUNTIME_ERROR']);
    });
  });

  describe('when integer or DECIMAL arithmetic may overflow', () => {
    it.each([
      'SELECT count(*) * 9223372036854775807 FROM market.enterprises',
      "SELECT count(*) FROM population.residents WHERE (CASE WHEN registered_on = DATE '2001-02-03' THEN 9223372036854775807 ELSE 0 END) + 1 > 0",
      'SELECT sum(registered_capital * registered_capital) FROM market.enterprises',
      'SELECT count(*) FROM market.enterprises WHERE established_on + 2147483647 > DATE \'2020-01-01\'',
    ])('finds a run-time error in %s', async (sql) => {
      expect([...(await risksOf(sql)).risks]).toEqual(['RUNTIME_ERROR']);
    });

    it.each([
      'SELECT industry, count(*) * 100, count(*) + 1, -count(*), abs(count(*)) FROM market.enterprises GROUP BY 1',
      'SELECT year(established_on) - 2000, count(*) FROM market.enterprises GROUP BY year(established_on)',
      'SELECT sum(abs(registered_capital)), sum(registered_capital * 100) FROM market.enterprises',
      'SELECT age_band(birth_date, 10), count(*) FROM population.residents GROUP BY 1',
      'SELECT bucket(kwh, 100), count(*) FROM utilities.power_usage GROUP BY 1',
      "SELECT count(*) FROM market.enterprises WHERE established_on + 30 > DATE '2020-01-01' AND established_on - DATE '2000-01-01' > 10",
    ])('finds none in %s', async (sql) => {
      expect([...(await risksOf(sql)).risks]).toEqual([]);
    });
  });
});
