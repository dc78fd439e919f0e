// The catalog routes publish metadata for any licensed caller — seven tables with their levels — and
// nothing to anonymous callers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testService, type TestService } from '../../../test/support/service.ts';
import { ROLES } from '../../auth/principal.ts';

let t: TestService;
beforeAll(async () => {
  t = await testService();
});
afterAll(() => t.cleanup());

interface ColumnView { name: string; level: string; kind: string; semantic: string; bounds?: [number, number]; categorical: boolean; mask?: string }
interface DatasetView { id: string; status: string; share: { type: string }; tables: { name: string; privacyUnit: string | null; columns: ColumnView[] }[] }

describe('GET /v1/catalog', () => {
  it('answers 401 UNAUTHENTICATED without a token', async () => {
    const res = await t.request('/v1/catalog');
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
  });

  it.each(ROLES)('lists the seven tables with every column graded, for a %s', async (role) => {
    const res = await t.request('/v1/catalog', { token: await t.token(role, { datasets: [] }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { datasets: DatasetView[] };
    const tables = body.datasets.flatMap((d) => d.tables.map((tb) => `${d.id}.${tb.name}`));
    expect(tables.sort()).toEqual([
      'health.medical_claims',
      'market.enterprises',
      'population.residents',
      'social_security.insured',
      'transit.card_trips',
      'utilities.heating_bills',
      'utilities.power_usage',
    ]);
    for (const d of body.datasets) for (const tb of d.tables) for (const c of tb.columns) expect(['L1', 'L2', 'L3', 'L4']).toContain(c.level);
  });

  it('gives each column its level, kind, semantic type, bounds, mask and categorical flag as the catalog file declares', async () => {
    const res = await t.request('/v1/catalog', { token: await t.token('developer') });
    const body = (await res.json()) as { datasets: DatasetView[] };
    const residents = body.datasets.find((d) => d.id === 'population')?.tables.find((tb) => tb.name === 'residents');
    const col = (n: string) => residents?.columns.find((c) => c.name === n);
    expect(residents?.privacyUnit).toBe('id_card');
    expect(col('id_card')).toMatchObject({ level: 'L4', kind: 'identifier', semantic: 'id_card', mask: 'id_card' });
    expect(col('ethnicity')).toMatchObject({ level: 'L3', categorical: true });
    const insured = body.datasets.find((d) => d.id === 'social_security')?.tables[0];
    expect(insured?.columns.find((c) => c.name === 'monthly_base')?.bounds).toEqual([0, 50000]);
  });
});

describe('GET /v1/catalog/{dataset}', () => {
  it('answers one dataset with its share type, status and tables', async () => {
    const res = await t.request('/v1/catalog/health', { token: await t.token('reviewer') });
    expect(res.status).toBe(200);
    const d = (await res.json()) as DatasetView & { profile: string };
    expect(d).toMatchObject({ id: 'health', profile: 'dp', status: 'active', share: { type: 'conditional' } });
    expect(d.tables.map((tb) => tb.name)).toEqual(['medical_claims']);
  });

  it('looks the dataset up case-insensitively', async () => {
    const res = await t.request('/v1/catalog/Population', { token: await t.token('reviewer') });
    expect(((await res.json()) as DatasetView).id).toBe('population');
  });

  it.each(['nope', 'population.residents', '..%2F..%2Fetc', 'a'.repeat(100)])('answers 404 NOT_FOUND for %s', async (id) => {
    const res = await t.request(`/v1/catalog/${id}`, { token: await t.token('reviewer') });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });
});
