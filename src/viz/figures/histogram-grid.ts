/** All of a run's snapshots (epoch 0..N) as small multiples with shared x and y scales. */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { binRows, nonTrainableLine, weightRange } from './data.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import { grouped, shownSpec, wrappedSnapshotTitle } from './format.ts';
import { type HistogramScaleOptions, sharedDensity } from './histogram-scale.ts';
import { BAR_COLOR, CONFIG, figureHead, GRID_COLUMNS, PANEL_TICKS, SHARED_SCALES, SIZE } from './theme.ts';

/**
 * One run's histograms of all weights, a panel per snapshot (see the file's comment).
 *
 * @example
 * await renderSvg(histogramGridSpec(record));   // penalty-explorer/node's renderSvg
 */
export function histogramGridSpec(run: RunRecord, options: HistogramScaleOptions = {}): TopLevelSpec {
  const snaps = snapshots(run);
  const hs = snaps.map((s) => s.histogram);
  const values = snaps.flatMap((s, panel) => binRows(s.histogram).map((r) => ({ ...r, panel, epoch: s.epoch })));
  const count = grouped(run.initial.histogram.count);
  return shownSpec({
    ...figureHead(`Weights per epoch — ${run.config.name}`, [
      penaltyLine(run),
      `all ${count} ${run.initial.nonTrainable ? 'trainable ' : ''}weights after each epoch (0 = initial); shared axes`,
      ...nonTrainableLine(run.initial),
    ]),
    data: { values },
    facet: indexFacet('panel', snaps.map(wrappedSnapshotTitle)),
    columns: GRID_COLUMNS,
    spec: {
      ...SIZE.panel,
      mark: { type: 'bar', color: BAR_COLOR },
      encoding: barsEncoding(weightRange(hs), sharedDensity(hs, options), PANEL_TICKS),
    },
    resolve: SHARED_SCALES,
    config: CONFIG,
  });
}
