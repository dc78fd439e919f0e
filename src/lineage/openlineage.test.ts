// The OpenLineage export validates against the OpenLineage JSON Schemas (spec 2-0-2 and each facet's own
// schema, resolved offline from ../shared/schemas/openlineage) and says what the record says.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLineageStore } from './embedded-store.ts';
import { DOMAIN_NAMESPACE, toOpenLineageNdjson, toRunEvent } from './openlineage.ts';
import type { LineageRecord } from './record.ts';
import { readLineageRecords } from './record-reader.ts';
import { sampleEntry } from './sample-entries.ts';
import { generateTestKeys, silentLog } from './test-keys.ts';

const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const schemaDir = path.resolve(repoRoot, '..', 'shared', 'schemas', 'openlineage');
const OL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';

/** Every schema registered under its $id, so that no $ref is ever fetched. */
function validators() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const ids: Record<string, string> = {};
  const files = fs.readdirSync(schemaDir).filter((f) => f.endsWith('.json'));
  for (const file of [...files.map((f) => path.join(schemaDir, f)), path.join(import.meta.dirname, 'dsbx-privacy-facet.schema.json')]) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { $id: string };
    ajv.addSchema(schema);
    ids[path.basename(file, '.json')] = schema.$id;
  }
  const get = (name: string) => {
    const v = ajv.getSchema(ids[name]!);
    if (!v) throw new Error(`schema ${name} not registered`);
    return v;
  };
  return { ajv, get };
}

let records: LineageRecord[];
let events: Record<string, any>[];
let schemas: ReturnType<typeof validators>;

beforeAll(async () => {
  expect(fs.existsSync(path.join(schemaDir, 'OpenLineage.json'))).toBe(true);
  schemas = validators();
  const keys = await generateTestKeys();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsbx-lineage-ol-'));
  const store = await openLineageStore({ dir, signer: keys.signer, publicJwk: keys.publicJwk, log: silentLog });
  const base = sampleEntry(0);
  records = [];
  for (let i = 0; i < 8; i++) records.push(await store.append(sampleEntry(i)));
  // An allowed query that then timed out, and a refusal before parsing (no normalized SQL, no fingerprint).
  records.push(await store.append({ ...base, decision: { effect: 'allow', code: 'QUERY_TIMEOUT', reasons: [] }, result: null }));
  records.push(
    await store.append({
      ...base,
      request: { sql: 'SELEC', normalizedSql: null, executedSql: null, fingerprint: null, mode: null },
      decision: { effect: 'deny', code: 'SQL_SYNTAX', reasons: [{ rule: 'SQL_SYNTAX', message: 'The SQL could not be parsed.' }] },
      inputs: [],
      outputs: [],
      protections: null,
      result: null,
    }),
  );
  await store.close();
  events = [];
  for await (const line of toOpenLineageNdjson(readLineageRecords(dir))) events.push(JSON.parse(line));
});

const byKind = (pred: (r: LineageRecord) => boolean) => records.findIndex(pred);

describe('exported RunEvents', () => {
  it('are one per record, in chain order', () => {
    expect(events.map((e) => e.run.runId)).toEqual(records.map((r) => r.id));
  });

  it('validate against the OpenLineage 2-0-2 schema', () => {
    const validate = schemas.get('OpenLineage');
    for (const event of events) expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
  });

  it('would fail validation if a run id or a facet producer were missing (the check can fail)', () => {
    const validate = schemas.get('OpenLineage');
    const noRunId = { ...events[0]!, run: { facets: events[0]!.run.facets } };
    const noProducer = structuredClone(events[0]!);
    delete noProducer.run.facets.dsbx_privacy._producer;
    expect(validate(noRunId)).toBe(false);
    expect(validate(noProducer)).toBe(false);
  });

  it('carry facets that validate against their own schemas', () => {
    const check = (name: string, value: unknown) => {
      const validate = schemas.get(name);
      expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    for (const e of events) {
      check('ProcessingEngineRunFacet', { processing_engine: e.run.facets.processing_engine });
      check('dsbx-privacy-facet.schema', { dsbx_privacy: e.run.facets.dsbx_privacy });
      check('JobTypeJobFacet', { jobType: e.job.facets.jobType });
      if (e.job.facets.sql) check('SQLJobFacet', { sql: e.job.facets.sql });
      if (e.run.facets.errorMessage) check('ErrorMessageRunFacet', { errorMessage: e.run.facets.errorMessage });
      for (const d of e.inputs) check('SchemaDatasetFacet', { schema: d.facets.schema });
      for (const d of e.outputs) {
        check('SchemaDatasetFacet', { schema: d.facets.schema });
        check('ColumnLineageDatasetFacet', { columnLineage: d.facets.columnLineage });
      }
    }
  });

  it('are COMPLETE for allowed results and FAIL for refusals and failed runs, with a coded error only', () => {
    const allowed = byKind((r) => r.decision.effect === 'allow' && !r.decision.code);
    const denied = byKind((r) => r.decision.code === 'POLICY_DENIED');
    const timedOut = byKind((r) => r.decision.code === 'QUERY_TIMEOUT');
    expect(events[allowed]!.eventType).toBe('COMPLETE');
    expect(events[allowed]!.run.facets.errorMessage).toBeUndefined();
    expect(events[denied]!.eventType).toBe('FAIL');
    expect(events[denied]!.run.facets.errorMessage.message).toBe('POLICY_DENIED (L4_IN_OUTPUT)');
    expect(events[denied]!.outputs).toEqual([]);
    expect(events[timedOut]!.eventType).toBe('FAIL');
  });

  it('name the job by fingerprint and carry the normalized SQL', () => {
    const r = records[0]!;
    expect(events[0]!.job).toMatchObject({ namespace: 'dsbx', name: `query.${r.request.fingerprint}` });
    expect(events[0]!.job.facets.sql.query).toBe(r.request.normalizedSql);
    const unparsed = events.at(-1)!;
    expect(unparsed.job.name).toBe('query.unparsed');
    expect(unparsed.job.facets.sql).toBeUndefined();
  });

  it('map output columns to input fields with transformation type, subtype and masking', () => {
    const event = toRunEvent(records[0]!) as Record<string, any>;
    const [output] = event.outputs;
    expect(output.name).toBe(`dsbx.release.${records[0]!.id}`);
    const fields = output.facets.columnLineage.fields;
    expect(fields.district.inputFields).toEqual([
      {
        namespace: DOMAIN_NAMESPACE,
        name: 'utilities.heating_bills',
        field: 'district',
        transformations: [{ type: 'DIRECT', subtype: 'IDENTITY', description: 'raw', masking: false }],
      },
    ]);
    expect(fields.avg_due.inputFields[0].transformations[0]).toMatchObject({ type: 'DIRECT', subtype: 'AGGREGATION' });
    const subtypes = output.facets.columnLineage.dataset.map((f: any) => `${f.field}:${f.transformations[0].subtype}`);
    expect(subtypes).toEqual(expect.arrayContaining(['district:GROUP_BY', 'season:FILTER', 'area_m2:FILTER']));

    const rows = toRunEvent(records[2]!) as Record<string, any>;
    expect(rows.outputs[0].facets.columnLineage.fields.card.inputFields[0].transformations[0]).toEqual({
      type: 'DIRECT',
      subtype: 'TRANSFORMATION',
      description: 'pseudonymized',
      masking: true,
    });
  });

  it('list each input table once, with its columns, levels and usage', () => {
    const event = toRunEvent(records[0]!) as Record<string, any>;
    expect(event.inputs).toHaveLength(1);
    expect(event.inputs[0]).toMatchObject({ namespace: DOMAIN_NAMESPACE, name: 'utilities.heating_bills' });
    expect(event.inputs[0].facets.schema.fields.map((f: any) => f.name)).toEqual(records[0]!.inputs.map((c) => c.column));
  });

  it('report the privacy operations in the dsbx_privacy facet', () => {
    const dp = toRunEvent(records[1]!) as Record<string, any>;
    expect(dp.run.facets.dsbx_privacy).toMatchObject({
      profile: 'dp',
      noise: { mechanism: 'laplace', scale: 5000, epsilon: 0.1 },
      epsilonCharged: 0.1,
      budgetAfter: { health: 0.9 },
      lineageHash: records[1]!.hash,
    });
    const threshold = toRunEvent(records[0]!) as Record<string, any>;
    expect(threshold.run.facets.dsbx_privacy).toMatchObject({ profile: 'threshold', threshold: 10, rounding: 5, suppressedGroups: 0 });
  });
});
