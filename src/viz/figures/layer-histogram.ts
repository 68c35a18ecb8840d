/**
 * One snapshot's weights layer by layer: a histogram per layer (panels in model order), on one x
 * scale; each layer keeps its own y scale, since a 300-weight layer and a million-weight layer
 * have very different shapes.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../record/schema.ts';
import { barsEncoding, densityEncoding } from './axes.ts';
import { binRows, snapshotAt, weightRange } from './data.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import { grouped, snapshotTitle } from './format.ts';
import { BAR_COLOR, CONFIG, PANEL_TICKS, SIZE } from './theme.ts';

export function layerHistogramSpec(run: RunRecord, epoch: number): TopLevelSpec {
  const s = snapshotAt(run, epoch);
  const values = s.layers.flatMap((l, panel) => binRows(l.histogram).map((r) => ({ ...r, panel, layer: l.name })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: snapshotTitle(s), subtitle: [penaltyLine(run), 'each layer (kernel and bias) on its own: shared x, own y'] },
    data: { values },
    facet: indexFacet('panel', s.layers.map((l) => `${l.name} · ${grouped(l.count)} weights`)),
    columns: 2,
    spec: {
      ...SIZE.layer,
      mark: { type: 'bar', color: BAR_COLOR },
      encoding: barsEncoding(weightRange(s.layers.map((l) => l.histogram)), densityEncoding({ scale: 'linear' }), PANEL_TICKS),
    },
    resolve: { scale: { x: 'shared', y: 'independent' } },
    config: CONFIG,
  };
}
