/**
 * All of a run's snapshots (epoch 0..N) as small multiples with shared x and y scales, each panel
 * headed by its epoch and scores. A model of several outputs: each output's accuracy, an output name
 * too long for a panel's title shortened in its middle to fit one (`acc(multitask…_weights)=0.9100`, at
 * most TITLE_CHARS characters, score-notes.ts) and written out in full in the subtitle.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type RunRecord, snapshots } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { binRows, nonTrainableLine, weightRange } from './data.ts';
import { penaltyLine } from './epoch-histogram.ts';
import { indexFacet } from './facets.ts';
import { grouped, shownSpec, snapshotTitle, wrappedSnapshotTitle } from './format.ts';
import { type HistogramScaleOptions, sharedDensity } from './histogram-scale.ts';
import { fullNameLines, outputNames } from './score-notes.ts';
import { BAR_COLOR, CONFIG, figureHead, GRID_COLUMNS, PANEL_TICKS, SHARED_SCALES, SIZE } from './theme.ts';

/** A panel title's line: as long as a one-output title, `epoch=0 loss=0.0000 acc=0.0000` (30 characters, ~210 px of the 215-px panel at 12 px). */
const TITLE_CHARS = snapshotTitle({ epoch: 0, testLoss: 0, testAcc: 0 }).length;

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
  const { named, fullNames } = outputNames(snaps, TITLE_CHARS);
  return shownSpec({
    ...figureHead(`Weights per epoch — ${run.config.name}`, [
      penaltyLine(run),
      `all ${count} ${run.initial.nonTrainable ? 'trainable ' : ''}weights after each epoch (0 = initial); shared axes`,
      ...nonTrainableLine(run.initial),
      ...fullNameLines(fullNames),
    ]),
    data: { values },
    facet: indexFacet(
      'panel',
      snaps.map((s) => wrappedSnapshotTitle(s, named)),
    ),
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
