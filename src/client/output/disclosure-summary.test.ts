// The one-line disclosure summary for threshold, row and differential-privacy releases.
import { describe, expect, it } from 'vitest';
import type { Disclosure } from '../api-types.ts';
import { disclosureSummary } from './disclosure-summary.ts';

const base: Disclosure = { threshold: null, suppressedGroups: 0, suppressedRows: 0, rounding: null, kAnonymity: null, truncated: false, rowCount: 0 };
const measurement = (halfWidth95: number) => ({ epsilon: 0.5, sensitivity: 1, scale: 2, halfWidth95 });
const LINEAGE = '01a21bbe-54a3-7302-ab4e-f5baa4bfe22a';

describe('disclosureSummary', () => {
  it('states the threshold, rounding and what was suppressed for a threshold release', () => {
    const d = { ...base, threshold: { k: 10, rounding: 5 }, rounding: 5, suppressedGroups: 3, rowCount: 12 };
    expect(disclosureSummary({ disclosure: d, lineageId: LINEAGE })).toBe(`12 rows · ≥10 people per group, counts rounded to 5 · 3 groups suppressed · lineage ${LINEAGE}`);
  });

  it('states k-anonymity, suppressed rows and truncation for a row release', () => {
    const d = { ...base, kAnonymity: 5, suppressedRows: 2, truncated: true, rowCount: 1 };
    expect(disclosureSummary({ disclosure: d, lineageId: LINEAGE })).toBe(`1 row · 5-anonymous · 2 rows suppressed · truncated at the row cap · lineage ${LINEAGE}`);
  });

  it('gives each noisy column its 95% half-width, an average as its two parts, τ, and the ε charged', () => {
    const d: Disclosure = {
      ...base,
      rowCount: 4,
      noise: {
        mechanism: 'discrete_laplace', epsilon: 1, delta: 1e-6, maxGroups: 1, maxRows: 5, repeated: false,
        threshold: { tau: 27.4, noise: measurement(9) },
        columns: [
          { name: 'claims', measure: 'count', bounds: null, noise: measurement(14.98), sum: null, count: null },
          { name: 'avg_cost', measure: 'avg', bounds: [0, 500000], noise: null, sum: measurement(123456), count: measurement(15) },
        ],
      },
      budget: [{ dataset: 'health', allocation: 10, spent: 3, remaining: 7, charged: 1 }],
    };
    expect(disclosureSummary({ disclosure: d, lineageId: LINEAGE })).toBe(
      `4 rows · discrete_laplace ε=1, 95%: claims ±15, avg_cost = (sum ±123000) / (count ±15) · groups kept when noisy people ≥ 27.4 · health: ε 1 charged, 7 of 10 left · lineage ${LINEAGE}`,
    );
  });

  it('says when a dp answer is the recorded one of an identical query', () => {
    const d: Disclosure = {
      ...base,
      noise: { mechanism: 'discrete_laplace', epsilon: 1, delta: 0, maxGroups: 1, maxRows: 5, repeated: true, threshold: null, columns: [] },
    };
    expect(disclosureSummary({ disclosure: d, lineageId: LINEAGE })).toContain('repeat: the recorded answer, no ε charged');
  });
});
