// Tests for the column-lineage layout.
import { describe, expect, it } from 'vitest';
import { sampleEntry } from '../lineage/sample-entries.ts';
import { fitLabel, layoutLineageGraph } from './lineage-graph.ts';

describe('layoutLineageGraph', () => {
  const entry = sampleEntry(0);

  it('draws one source box per input column, with its level and how it was used', () => {
    const g = layoutLineageGraph(entry);
    expect(g.sources.map((s) => s.label)).toEqual(entry.inputs.map((i) => `${i.dataset}.${i.table}.${i.column}`));
    expect(g.sources.map((s) => s.level)).toEqual(entry.inputs.map((i) => i.level));
    expect(g.sources[0]!.detail).toBe(entry.inputs[0]!.usage.join(', '));
  });

  it('draws a transform and a released column per output, linked from the columns it derives from', () => {
    const g = layoutLineageGraph(entry);
    expect(g.outputs.map((o) => [o.label, o.detail])).toEqual(entry.outputs.map((o) => [o.column, o.protection]));
    expect(g.transforms.map((t) => t.label)).toEqual(entry.outputs.map((o) => o.transform));
    const expected = entry.outputs.flatMap((o, i) => [
      ...o.derivedFrom.map((r) => `s:${r.dataset}.${r.table}.${r.column}->t:${i}`),
      `t:${i}->o:${i}`,
    ]);
    expect(g.links.map((l) => `${l.from}->${l.to}`)).toEqual(expected);
  });

  it('marks columns read only to filter or count as unlinked', () => {
    const g = layoutLineageGraph(entry);
    const unlinked = g.sources.filter((s) => s.unlinked).map((s) => s.label.split('.').at(-1));
    expect(unlinked).toEqual(['season', 'area_m2', 'id_card']);
  });

  it('keeps every box inside the drawing and no two boxes of a column overlapping', () => {
    const g = layoutLineageGraph(entry);
    for (const col of [g.sources, g.transforms, g.outputs]) {
      for (const b of col) {
        expect(b.x + b.width).toBeLessThanOrEqual(g.width);
        expect(b.y + b.height).toBeLessThanOrEqual(g.height);
      }
      for (let i = 1; i < col.length; i++) expect(col[i]!.y).toBeGreaterThanOrEqual(col[i - 1]!.y + col[i - 1]!.height);
    }
  });

  it('adds a source box for a derived-from column the inputs do not list, without a level', () => {
    const g = layoutLineageGraph({
      inputs: [],
      outputs: [{ column: 'x', derivedFrom: [{ dataset: 'a', table: 'b', column: 'c' }], transform: 'raw', protection: 'raw' }],
    });
    expect(g.sources).toMatchObject([{ label: 'a.b.c' }]);
    expect(g.sources[0]!.level).toBeUndefined();
  });

  it('lays out a refusal with inputs and no outputs', () => {
    const g = layoutLineageGraph({ inputs: entry.inputs, outputs: [] });
    expect(g.outputs).toEqual([]);
    expect(g.links).toEqual([]);
    expect(g.sources.every((s) => s.unlinked)).toBe(true);
  });
});

describe('fitLabel', () => {
  it('keeps short labels and cuts long ones with an ellipsis', () => {
    expect(fitLabel('abc', 5)).toBe('abc');
    expect(fitLabel('abcdefgh', 5)).toBe('abcd…');
  });
});
