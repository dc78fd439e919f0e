// Purpose binding decided from values: share type `none` opens only under an admin coordination grant,
// conditional data under an approved application, and nothing under someone else's or an expired one.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, makeCatalog } from '../catalog/load.ts';
import type { Principal } from '../auth/principal.ts';
import { decideDatasetAccess } from '../api/dataset-access.ts';
import type { Application, ApplicationState } from './applications.ts';
import { bindApplication } from './purpose-binding.ts';

const real = loadCatalog(path.resolve(import.meta.dirname, '../../datasets'));
// The same catalog with social_security not shared at all (share type none).
const catalog = makeCatalog(real.datasets.map((d) => (d.id === 'social_security' ? { ...d, share: { type: 'none' as const } } : d)));
const alice: Principal = { sub: 'alice', org: 'univ-a', roles: ['researcher'], datasets: [], jti: 'j', exp: 0 };

const app = (state: ApplicationState, org = 'univ-a'): Application => ({
  id: 'a', applicant: { sub: 'alice', org }, provider: 'qqhr-hrss', state, submittedAt: '2026-11-02T00:00:00Z', deadline: '2026-11-03',
  decidedAt: null, reason: null, coordination: null,
  request: {
    legalBasis: 'x', purpose: 'y', method: 'aggregate', period: { from: '2026-01-01', to: '2026-12-31' },
    scope: { datasets: ['social_security'], tables: ['social_security.insured'], columns: ['social_security.insured.status'] },
  },
});
const use = { datasets: ['social_security'], inputs: [{ dataset: 'social_security', table: 'insured', column: 'status' }], mode: 'aggregate' as const };

describe('bindApplication with decideDatasetAccess', () => {
  it('keeps a share-type-none dataset closed under an approved (not coordinated) application', () => {
    const bound = bindApplication(app('approved'), alice, use, catalog, '2026-11-27');
    expect(bound.ok).toBe(true);
    if (!bound.ok) return;
    expect(decideDatasetAccess(alice, use.datasets, catalog, bound.grant)).toMatchObject({ effect: 'deny', code: 'NOT_LICENSED' });
  });

  it('opens a share-type-none dataset under an admin coordination grant', () => {
    const bound = bindApplication(app('coordination_granted'), alice, use, catalog, '2026-11-27');
    if (!bound.ok) throw new Error('expected a grant');
    expect(decideDatasetAccess(alice, use.datasets, catalog, bound.grant)).toEqual({ effect: 'allow' });
  });

  it('never opens share type none through a direct grant of every dataset', () => {
    expect(decideDatasetAccess({ ...alice, datasets: 'all' }, use.datasets, catalog)).toMatchObject({ effect: 'deny', code: 'NOT_LICENSED' });
  });

  it('refuses another organisation, a day after the period, and the states that are not approvals', () => {
    expect(bindApplication(app('approved', 'other'), alice, use, real, '2026-11-27').ok).toBe(false);
    expect(bindApplication(app('approved'), alice, use, real, '2027-01-01').ok).toBe(false);
    for (const s of ['pending', 'denied', 'coordination_requested', 'coordination_upheld'] as const) {
      expect(bindApplication(app(s), alice, use, real, '2026-11-27').ok).toBe(false);
    }
  });
});
