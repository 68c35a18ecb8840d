/** The histogram of all the network's weights at one epoch, titled `epoch=E loss=L acc=A`. */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { barsEncoding } from './axes.ts';
import { binRows, nonTrainableLine, snapshotAt, weightRange } from './data.ts';
import { countsLine, shownSpec, snapshotTitle } from './format.ts';
import { type HistogramScaleOptions, sharedDensity } from './histogram-scale.ts';
import { BAR_COLOR, CONFIG, figureHead, SIZE } from './theme.ts';

/** The subtitle line naming the penalty. */
export function penaltyLine(run: RunRecord): string {
  return `penalty ${run.config.penalty}  (${run.config.penaltyFormula})`;
}

/**
 * The histogram of all of a run's weights at `epoch` (0 = initial), titled with its loss and
 * accuracy; a snapshot the record lacks is an error naming the epochs it has.
 *
 * @example
 * epochHistogramSpec(record, 5)   // a Vega-Lite spec: the density bars of epoch 5
 */
export function epochHistogramSpec(run: RunRecord, epoch: number, options: HistogramScaleOptions = {}): TopLevelSpec {
  const s = snapshotAt(run, epoch);
  const h = s.histogram;
  return shownSpec({
    ...figureHead(snapshotTitle(s), [penaltyLine(run), countsLine(h, s.nonTrainable ? 'trainable weights' : 'weights'), ...nonTrainableLine(s)]),
    ...SIZE.single,
    data: { values: binRows(h) },
    mark: { type: 'bar', color: BAR_COLOR },
    encoding: barsEncoding(weightRange([h]), sharedDensity([h], options)),
    config: CONFIG,
  });
}
