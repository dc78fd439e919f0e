// Realistic lineage entries for the lineage tests and the benchmark: an allowed threshold aggregate, a
// DP aggregate, a masked row release and a policy denial, with the shapes the query API writes.
import type { LineageEntry } from './record.ts';

const base = {
  kind: 'query',
  application: null,
  engine: { duckdb: 'v1.5.6', dsbx: '0.1.0' },
  dataVersion: 'sha256:4be1c0d3a9e5f1b2',
  catalogVersion: 'sha256:9a0f6e2d7c1b3a45',
} as const;

const allowedAggregate = (i: number): LineageEntry => ({
  ...base,
  subject: `dev-${i % 17}`,
  org: `org-${i % 5}`,
  roles: ['developer'],
  licenseId: `lic-${i % 101}`,
  purpose: '供热补贴政策评估：按区统计缴费情况',
  request: {
    sql: `SELECT district, count(*) AS n, avg(amount_due) AS avg_due FROM utilities.heating_bills WHERE season = '2023-2024' AND area_m2 > ${i % 90} GROUP BY district`,
    normalizedSql: "SELECT district, count_star() AS n, avg(amount_due) AS avg_due FROM utilities.heating_bills WHERE (season = '2023-2024') GROUP BY district",
    executedSql: "SELECT district, count_star() AS n, avg(amount_due) AS avg_due FROM utilities.heating_bills WHERE (season = '2023-2024') GROUP BY district",
    fingerprint: 'c3f1a9e4b2d7c6a5f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7',
    mode: 'aggregate',
  },
  decision: { effect: 'allow', reasons: [] },
  inputs: [
    { dataset: 'utilities', table: 'heating_bills', column: 'district', level: 'L2', usage: ['group', 'output'] },
    { dataset: 'utilities', table: 'heating_bills', column: 'season', level: 'L1', usage: ['filter'] },
    { dataset: 'utilities', table: 'heating_bills', column: 'area_m2', level: 'L3', usage: ['filter'] },
    { dataset: 'utilities', table: 'heating_bills', column: 'amount_due', level: 'L3', usage: ['aggregate'] },
    { dataset: 'utilities', table: 'heating_bills', column: 'id_card', level: 'L4', usage: ['aggregate'] },
  ],
  outputs: [
    { column: 'district', derivedFrom: [{ dataset: 'utilities', table: 'heating_bills', column: 'district' }], transform: 'raw', protection: 'group_key' },
    { column: 'n', derivedFrom: [], transform: 'aggregated(count_star)', protection: 'aggregate' },
    { column: 'avg_due', derivedFrom: [{ dataset: 'utilities', table: 'heating_bills', column: 'amount_due' }], transform: 'aggregated(avg)', protection: 'aggregate' },
  ],
  protections: { profile: 'threshold', threshold: 10, suppressedGroups: i % 3, rounding: 5 },
  result: { rowCount: 9, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  budgetAfter: null,
  timings: { totalMs: 12.5, compileMs: 3.1, executeMs: 7.9, gateMs: 0.4 },
});

const dpAggregate = (i: number): LineageEntry => ({
  ...base,
  subject: `researcher-${i % 7}`,
  org: 'qiqihar-university',
  roles: ['researcher'],
  licenseId: `lic-r-${i % 13}`,
  purpose: '医保费用结构研究',
  request: {
    sql: 'SELECT diagnosis_group, sum(total_cost) AS cost FROM health.medical_claims GROUP BY diagnosis_group',
    normalizedSql: 'SELECT diagnosis_group, sum(total_cost) AS cost FROM health.medical_claims GROUP BY diagnosis_group',
    executedSql: 'SELECT diagnosis_group, sum(total_cost) AS cost FROM health.medical_claims GROUP BY diagnosis_group',
    fingerprint: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    mode: 'aggregate',
  },
  decision: { effect: 'allow', reasons: [] },
  inputs: [
    { dataset: 'health', table: 'medical_claims', column: 'diagnosis_group', level: 'L3', usage: ['group', 'output'] },
    { dataset: 'health', table: 'medical_claims', column: 'total_cost', level: 'L3', usage: ['aggregate'] },
  ],
  outputs: [
    { column: 'diagnosis_group', derivedFrom: [{ dataset: 'health', table: 'medical_claims', column: 'diagnosis_group' }], transform: 'raw', protection: 'group_key' },
    { column: 'cost', derivedFrom: [{ dataset: 'health', table: 'medical_claims', column: 'total_cost' }], transform: 'aggregated(sum)', protection: 'aggregate' },
  ],
  protections: { profile: 'dp', noise: { mechanism: 'laplace', scale: 5000, epsilon: 0.1 }, epsilonCharged: 0.1 },
  result: { rowCount: 21, sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  budgetAfter: { health: 0.9 },
  timings: { totalMs: 20.25, compileMs: 4, executeMs: 15, gateMs: 1.25 },
});

const maskedRows = (i: number): LineageEntry => ({
  ...base,
  subject: `dev-${i % 17}`,
  roles: ['developer'],
  org: `org-${i % 5}`,
  licenseId: `lic-${i % 101}`,
  purpose: '公交线路客流分析',
  request: {
    sql: 'SELECT pseudonym(card_no) AS card, line FROM transit.card_trips WHERE line = 12',
    normalizedSql: 'SELECT pseudonym(card_no) AS card, line FROM transit.card_trips WHERE (line = 12)',
    executedSql: 'SELECT pseudonym(card_no) AS card, line FROM transit.card_trips WHERE (line = 12)',
    fingerprint: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    mode: 'rows',
  },
  decision: { effect: 'allow', reasons: [] },
  inputs: [
    { dataset: 'transit', table: 'card_trips', column: 'card_no', level: 'L4', usage: ['output'] },
    { dataset: 'transit', table: 'card_trips', column: 'line', level: 'L1', usage: ['output', 'filter'] },
  ],
  outputs: [
    { column: 'card', derivedFrom: [{ dataset: 'transit', table: 'card_trips', column: 'card_no' }], transform: 'pseudonymized', protection: 'pseudonym' },
    { column: 'line', derivedFrom: [{ dataset: 'transit', table: 'card_trips', column: 'line' }], transform: 'raw', protection: 'raw' },
  ],
  protections: { profile: 'threshold', kAnonymity: 5, suppressedRows: 3 },
  result: { rowCount: 500, sha256: 'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9' },
  budgetAfter: null,
  timings: { totalMs: 31, compileMs: 5, executeMs: 24, gateMs: 2 },
});

const denied = (i: number): LineageEntry => ({
  ...base,
  subject: `dev-${i % 17}`,
  roles: ['developer'],
  org: `org-${i % 5}`,
  licenseId: `lic-${i % 101}`,
  purpose: '人口结构分析',
  request: {
    sql: 'SELECT name, phone FROM population.residents WHERE district = \'龙沙区\'',
    normalizedSql: "SELECT name, phone FROM population.residents WHERE (district = '龙沙区')",
    executedSql: "SELECT name, phone FROM population.residents WHERE (district = '龙沙区')",
    fingerprint: '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
    mode: 'aggregate',
  },
  decision: {
    effect: 'deny',
    code: 'POLICY_DENIED',
    reasons: [
      { rule: 'L4_IN_OUTPUT', message: 'A core (L4) column cannot be released.', column: 'population.residents.name' },
      { rule: 'L4_IN_OUTPUT', message: 'A core (L4) column cannot be released.', column: 'population.residents.phone' },
    ],
  },
  inputs: [
    { dataset: 'population', table: 'residents', column: 'name', level: 'L4', usage: ['output'] },
    { dataset: 'population', table: 'residents', column: 'phone', level: 'L4', usage: ['output'] },
    { dataset: 'population', table: 'residents', column: 'district', level: 'L2', usage: ['filter'] },
  ],
  outputs: [],
  protections: null,
  result: null,
  budgetAfter: null,
  timings: { totalMs: 2.5, compileMs: 2.1 },
});

const KINDS = [allowedAggregate, dpAggregate, maskedRows, denied] as const;

/** The i-th sample entry: the four shapes in turn, with subjects and numbers varying by i. */
export const sampleEntry = (i: number): LineageEntry => KINDS[i % KINDS.length]!(i);
