// OpenLineage export: each lineage record becomes one RunEvent (spec 2-0-2) with the column-lineage facet,
// the SQL job facet, an error facet for refusals (codes only), and the custom `dsbx_privacy` run facet.
import type { LineageRecord } from './record.ts';

export const OPENLINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
/** Where the domain's tables live, as an OpenLineage dataset namespace. */
export const DOMAIN_NAMESPACE = 'duckdb://dsbx-domain';
export const JOB_NAMESPACE = 'dsbx';
/** The custom facet is described by dsbx-privacy-facet.schema.json beside this file. */
export const DSBX_PRIVACY_SCHEMA_URL = 'urn:dsbx:spec:facets:1-0-0:DsbxPrivacyRunFacet.json';

const FACET = {
  sql: 'https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  processingEngine: 'https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet',
  schema: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  columnLineage: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
} as const;

type Json = Record<string, unknown>;

interface Transformation {
  readonly type: 'DIRECT' | 'INDIRECT';
  readonly subtype: 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION' | 'FILTER' | 'JOIN' | 'GROUP_BY';
  readonly description: string;
  readonly masking: boolean;
}

/** How an output column's transform reads in OpenLineage's vocabulary. */
function directTransformation(transform: string): Transformation {
  if (transform === 'raw') return { type: 'DIRECT', subtype: 'IDENTITY', description: transform, masking: false };
  if (transform === 'generalized') return { type: 'DIRECT', subtype: 'TRANSFORMATION', description: transform, masking: false };
  if (transform === 'masked' || transform === 'pseudonymized') return { type: 'DIRECT', subtype: 'TRANSFORMATION', description: transform, masking: true };
  return { type: 'DIRECT', subtype: 'AGGREGATION', description: transform, masking: false };
}

const INDIRECT_USAGE = { filter: 'FILTER', join: 'JOIN', group: 'GROUP_BY' } as const;

/** The record's failure, if any: a refusal, or an allowed query that then failed (it carries a code). */
const failed = (r: LineageRecord): boolean => r.decision.effect === 'deny' || r.decision.code !== undefined;

export function toRunEvent(record: LineageRecord): Json {
  const producer = `urn:dsbx:lineage:${record.engine.dsbx}`;
  const facet = (schemaURL: string, body: Json): Json => ({ _producer: producer, _schemaURL: schemaURL, ...body });

  const tables = new Map<string, LineageRecord['inputs'][number][]>();
  for (const c of record.inputs) {
    const name = `${c.dataset}.${c.table}`;
    tables.set(name, [...(tables.get(name) ?? []), c]);
  }
  const inputs = [...tables].map(([name, columns]) => ({
    namespace: DOMAIN_NAMESPACE,
    name,
    facets: {
      schema: facet(FACET.schema, {
        fields: columns.map((c) => ({ name: c.column, description: `level ${c.level}; used for ${c.usage.join(', ')}` })),
      }),
    },
  }));

  const fields: Record<string, { inputFields: Json[] }> = {};
  for (const o of record.outputs) {
    fields[o.column] = {
      inputFields: o.derivedFrom.map((c) => ({
        namespace: DOMAIN_NAMESPACE,
        name: `${c.dataset}.${c.table}`,
        field: c.column,
        transformations: [directTransformation(o.transform)],
      })),
    };
  }
  const datasetWide = record.inputs.flatMap((c) =>
    c.usage
      .filter((u): u is keyof typeof INDIRECT_USAGE => u in INDIRECT_USAGE)
      .map((u) => ({
        namespace: DOMAIN_NAMESPACE,
        name: `${c.dataset}.${c.table}`,
        field: c.column,
        transformations: [{ type: 'INDIRECT', subtype: INDIRECT_USAGE[u], description: u, masking: false }],
      })),
  );
  const outputs = failed(record)
    ? []
    : [
        {
          namespace: JOB_NAMESPACE,
          name: `dsbx.release.${record.id}`,
          facets: {
            schema: facet(FACET.schema, {
              fields: record.outputs.map((o, i) => ({ name: o.column, description: `${o.transform}; ${o.protection}`, ordinal_position: i + 1 })),
            }),
            columnLineage: facet(FACET.columnLineage, { fields, dataset: datasetWide }),
          },
        },
      ];

  const p = record.protections;
  const runFacets: Json = {
    processing_engine: facet(FACET.processingEngine, { name: 'duckdb', version: record.engine.duckdb, openlineageAdapterVersion: record.engine.dsbx }),
    dsbx_privacy: facet(DSBX_PRIVACY_SCHEMA_URL, {
      kind: record.kind,
      lineageSeq: record.seq,
      lineageHash: record.hash,
      profile: p?.profile ?? null,
      threshold: p?.threshold ?? null,
      suppressedGroups: p?.suppressedGroups ?? null,
      suppressedRows: p?.suppressedRows ?? null,
      rounding: p?.rounding ?? null,
      kAnonymity: p?.kAnonymity ?? null,
      noise: p?.noise ?? null,
      epsilonCharged: p?.epsilonCharged ?? null,
      delta: p?.delta ?? null,
      contribution: p?.contribution ?? null,
      measures: p?.measures ?? null,
      // The remaining ε per charged dataset after this run: with epsilonCharged, the budget ledger's entry.
      budgetAfter: record.budgetAfter ?? null,
    }),
  };
  if (failed(record)) {
    // Codes only: reason messages are ours, but a coded summary is what leaves the service.
    const rules = [...new Set(record.decision.reasons.map((r) => r.rule))];
    runFacets.errorMessage = facet(FACET.errorMessage, {
      message: `${record.decision.code ?? 'DENIED'}${rules.length ? ` (${rules.join(', ')})` : ''}`,
      programmingLanguage: 'TypeScript',
    });
  }

  const jobFacets: Json = {
    jobType: facet(FACET.jobType, { processingType: 'BATCH', integration: 'DSBX', jobType: record.kind.toUpperCase() }),
  };
  if (record.request.normalizedSql !== null) jobFacets.sql = facet(FACET.sql, { query: record.request.normalizedSql, dialect: 'duckdb' });

  return {
    eventType: failed(record) ? 'FAIL' : 'COMPLETE',
    eventTime: record.time,
    producer,
    schemaURL: OPENLINEAGE_SCHEMA_URL,
    // Record ids are UUIDv7: the run id is the record id itself, so a run leads straight back to its record.
    run: { runId: record.id, facets: runFacets },
    job: { namespace: JOB_NAMESPACE, name: `query.${record.request.fingerprint ?? 'unparsed'}`, facets: jobFacets },
    inputs,
    outputs,
  };
}

/** NDJSON: one RunEvent a line. */
export async function* toOpenLineageNdjson(records: AsyncIterable<LineageRecord> | Iterable<LineageRecord>): AsyncGenerator<string> {
  for await (const record of records) yield `${JSON.stringify(toRunEvent(record))}\n`;
}
