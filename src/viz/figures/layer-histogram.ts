/**
 * One snapshot's weights layer by layer: a histogram per layer (panels in model order), on one x
 * scale; each layer keeps its own y scale, since a 300-weight layer and a million-weight layer
 * have very different shapes. A layer's non-trainable weights (a batch normalisation's moving
 * statistics) follow in panels of their own, labelled `non-trainable` and drawn in grey.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { barsEncoding, densityEncoding } from './axes.ts';
import { binRows, snapshotAt, weightRange } from './data.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import { grouped, shownSpec, snapshotTitle } from './format.ts';
import { BAR_COLOR, CONFIG, figureHead, PANEL_TICKS, SIZE } from './theme.ts';

/** The colour of non-trainable weights' bars. */
export const NON_TRAINABLE_COLOR = '#9a9a9a';

/**
 * One snapshot of a run layer by layer: a histogram per layer, shared x, own y (see the file's comment).
 *
 * @example
 * layerHistogramSpec(record, record.epochs.length)   // the last epoch's layers
 */
export function layerHistogramSpec(run: RunRecord, epoch: number): TopLevelSpec {
  const s = snapshotAt(run, epoch);
  const panels = [
    ...s.layers.map((l) => ({ l, trainable: true, label: `${l.name} · ${grouped(l.count)} weights` })),
    ...(s.nonTrainable?.layers ?? []).map((l) => ({ l, trainable: false, label: `${l.name} · non-trainable · ${grouped(l.count)} weights` })),
  ];
  const values = panels.flatMap(({ l, trainable }, panel) => binRows(l.histogram).map((r) => ({ ...r, panel, layer: l.name, trainable })));
  const bars = barsEncoding(weightRange(panels.map((p) => p.l.histogram)), densityEncoding({ scale: 'linear' }), PANEL_TICKS);
  return shownSpec({
    ...figureHead(snapshotTitle(s), [
      penaltyLine(run),
      'each layer (kernel and bias) on its own: shared x, own y',
      ...(s.nonTrainable ? ['grey: non-trainable weights (not trained; not among "all weights")'] : []),
    ]),
    data: { values },
    facet: indexFacet(
      'panel',
      panels.map((p) => p.label),
    ),
    columns: 2,
    spec: {
      ...SIZE.layer,
      mark: { type: 'bar' },
      encoding: { ...bars, color: { condition: { test: 'datum.trainable', value: BAR_COLOR }, value: NON_TRAINABLE_COLOR } },
    },
    resolve: { scale: { x: 'shared', y: 'independent' } },
    config: CONFIG,
  });
}
