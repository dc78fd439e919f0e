// Lays out a record's column lineage as three columns of boxes — source columns with their levels, the
// transform of each released column, the released columns with their protection — and the links between
// them. Pure geometry; lineage-graph-svg.tsx draws it.
import type { LineageRecord } from '../lineage/record.ts';

export interface GraphBox {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly label: string;
  readonly detail: string;
  /** L1–L4 for a source column; undefined when the column is not among the record's inputs. */
  readonly level?: string;
  /** True for a source column that feeds no released column (read to filter, join or count). */
  readonly unlinked?: boolean;
}

export interface GraphLink {
  readonly from: string;
  readonly to: string;
  readonly path: string;
}

export interface LineageGraph {
  readonly width: number;
  readonly height: number;
  readonly sources: readonly GraphBox[];
  readonly transforms: readonly GraphBox[];
  readonly outputs: readonly GraphBox[];
  readonly links: readonly GraphLink[];
}

export const GRAPH = {
  width: 1180,
  top: 34,
  row: 48,
  boxHeight: 38,
  source: { x: 1, width: 420 },
  transform: { x: 500, width: 250 },
  output: { x: 830, width: 349 },
} as const;

const qualified = (c: { dataset: string; table: string; column: string }): string => `${c.dataset}.${c.table}.${c.column}`;

function link(from: GraphBox, to: GraphBox): GraphLink {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const bend = (x2 - x1) / 2;
  return { from: from.key, to: to.key, path: `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}` };
}

export function layoutLineageGraph(record: Pick<LineageRecord, 'inputs' | 'outputs'>): LineageGraph {
  // Source columns: every input, then any column an output names that the inputs do not list.
  const sourceSpecs = new Map<string, { level?: string; usage: string }>();
  for (const i of record.inputs) sourceSpecs.set(qualified(i), { level: i.level, usage: i.usage.join(', ') });
  for (const o of record.outputs) for (const r of o.derivedFrom) if (!sourceSpecs.has(qualified(r))) sourceSpecs.set(qualified(r), { usage: '' });
  const linked = new Set(record.outputs.flatMap((o) => o.derivedFrom.map(qualified)));

  const rows = Math.max(sourceSpecs.size, record.outputs.length, 1);
  const offset = (n: number) => ((rows - n) * GRAPH.row) / 2;
  const y = (index: number, n: number) => GRAPH.top + offset(n) + index * GRAPH.row;

  const sources: GraphBox[] = [...sourceSpecs].map(([name, spec], index) => ({
    key: `s:${name}`,
    x: GRAPH.source.x,
    y: y(index, sourceSpecs.size),
    width: GRAPH.source.width,
    height: GRAPH.boxHeight,
    label: name,
    detail: spec.usage,
    ...(spec.level ? { level: spec.level } : {}),
    ...(linked.has(name) ? {} : { unlinked: true }),
  }));
  const transforms: GraphBox[] = record.outputs.map((o, index) => ({
    key: `t:${index}`,
    x: GRAPH.transform.x,
    y: y(index, record.outputs.length),
    width: GRAPH.transform.width,
    height: GRAPH.boxHeight,
    label: o.transform,
    detail: '',
  }));
  const outputs: GraphBox[] = record.outputs.map((o, index) => ({
    key: `o:${index}`,
    x: GRAPH.output.x,
    y: y(index, record.outputs.length),
    width: GRAPH.output.width,
    height: GRAPH.boxHeight,
    label: o.column,
    detail: o.protection,
  }));

  const byKey = new Map(sources.map((s) => [s.key, s]));
  const links: GraphLink[] = [];
  record.outputs.forEach((o, index) => {
    for (const name of new Set(o.derivedFrom.map(qualified))) links.push(link(byKey.get(`s:${name}`)!, transforms[index]!));
    links.push(link(transforms[index]!, outputs[index]!));
  });

  return { width: GRAPH.width, height: GRAPH.top + rows * GRAPH.row, sources, transforms, outputs, links };
}

/** Cuts a label to fit its box; the full text goes in the box's tooltip. */
export const fitLabel = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
