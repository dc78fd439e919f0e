// Draws a record's column lineage as inline SVG (no script, no external resource): source columns with a
// level tag, a box per transform, released columns with their protection, and the links between them.
import type { Dictionary } from './i18n/dictionary.ts';
import { GRAPH, fitLabel, type GraphBox, type LineageGraph } from './lineage-graph.ts';

/** Characters that fit in a box at the label's size (monospace, about 7.8 px each). */
const fits = (width: number, reserved = 0) => Math.floor((width - 20 - reserved) / 7.8);
const LEVEL_TAG = 34;

function Box(props: { box: GraphBox; kind: 'source' | 'transform' | 'output' }) {
  const { box, kind } = props;
  const tagged = kind === 'source';
  const textX = box.x + 10 + (tagged ? LEVEL_TAG : 0);
  const classes = ['box', kind === 'source' ? '' : kind, box.unlinked ? 'unlinked' : ''].filter(Boolean).join(' ');
  return (
    <g data-node={box.key} data-label={box.label} {...(box.level ? { 'data-level': box.level } : {})}>
      <title>{box.detail ? `${box.label} — ${box.detail}` : box.label}</title>
      <rect class={classes} x={box.x} y={box.y} width={box.width} height={box.height} rx={6} />
      {tagged ? (
        <>
          <rect class={`level ${box.level ?? 'unknown'}`} x={box.x + 6} y={box.y + 9} width={LEVEL_TAG - 8} height={20} rx={4} />
          <text class="level" x={box.x + 6 + (LEVEL_TAG - 8) / 2} y={box.y + 23} text-anchor="middle">
            {box.level ?? '?'}
          </text>
        </>
      ) : null}
      <text class="label" x={textX} y={box.detail ? box.y + 16 : box.y + 24}>
        {fitLabel(box.label, fits(box.width, tagged ? LEVEL_TAG : 0))}
      </text>
      {box.detail ? (
        <text class="detail" x={textX} y={box.y + 31}>
          {fitLabel(box.detail, fits(box.width, tagged ? LEVEL_TAG : 0) + 6)}
        </text>
      ) : null}
    </g>
  );
}

export function LineageGraphSvg(props: { graph: LineageGraph; t: Dictionary; titleId: string }) {
  const { graph, t } = props;
  return (
    <svg
      class="lineage"
      viewBox={`0 0 ${graph.width} ${graph.height}`}
      width={graph.width}
      height={graph.height}
      role="img"
      aria-labelledby={props.titleId}
      data-testid="lineage-graph"
    >
      <title id={props.titleId}>{t.graphTitle}</title>
      <text class="heading" x={GRAPH.source.x} y={16}>
        {t.graphSources}
      </text>
      {graph.outputs.length > 0 ? (
        <>
          <text class="heading" x={GRAPH.transform.x} y={16}>
            {t.graphTransforms}
          </text>
          <text class="heading" x={GRAPH.output.x} y={16}>
            {t.graphReleased}
          </text>
        </>
      ) : null}
      {graph.links.map((l) => (
        <path class="link" d={l.path} data-from={l.from} data-to={l.to} />
      ))}
      {graph.sources.map((b) => (
        <Box box={b} kind="source" />
      ))}
      {graph.transforms.map((b) => (
        <Box box={b} kind="transform" />
      ))}
      {graph.outputs.map((b) => (
        <Box box={b} kind="output" />
      ))}
    </svg>
  );
}
