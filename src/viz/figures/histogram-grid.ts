/** All of a run's snapshots (epoch 0..N) as small multiples with shared x and y scales. */
import type { TopLevelSpec } from 'vega-lite';
import { snapshots, type RunRecord } from '../../record/schema.ts';
import { barsEncoding } from './axes.ts';
import { binRows, nonTrainableLine, weightRange } from './data.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import { grouped, snapshotTitle } from './format.ts';
import { sharedDensity, type HistogramScaleOptions } from './histogram-scale.ts';
import { BAR_COLOR, CONFIG, GRID_COLUMNS, PANEL_TICKS, SHARED_SCALES, SIZE } from './theme.ts';

export function histogramGridSpec(run: RunRecord, options: HistogramScaleOptions = {}): TopLevelSpec {
  const snaps = snapshots(run);
  const hs = snaps.map((s) => s.histogram);
  const values = snaps.flatMap((s, panel) => binRows(s.histogram).map((r) => ({ ...r, panel, epoch: s.epoch })));
  const count = grouped(run.initial.histogram.count);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Weights per epoch — ${run.config.name}`,
      subtitle: [penaltyLine(run), `all ${count} ${run.initial.nonTrainable ? 'trainable ' : ''}weights after each epoch (0 = initial); shared axes`, ...nonTrainableLine(run.initial)],
    },
    data: { values },
    facet: indexFacet('panel', snaps.map(snapshotTitle)),
    columns: GRID_COLUMNS,
    spec: {
      ...SIZE.panel,
      mark: { type: 'bar', color: BAR_COLOR },
      encoding: barsEncoding(weightRange(hs), sharedDensity(hs, options), PANEL_TICKS),
    },
    resolve: SHARED_SCALES,
    config: CONFIG,
  };
}
