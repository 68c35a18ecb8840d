/** Test accuracy after each finished epoch, one line per run. */
import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { CONFIG, figureHead, runColor, SIZE } from './theme.ts';

/** What a figure of test accuracy says when no run recorded one (a run's `testAcc` null at every epoch). */
export const NO_TEST_ACCURACY = 'no test accuracy recorded (several outputs: one each, in testMetrics)';

/**
 * The runs' test accuracy after each finished epoch, one line per run (epoch 0 only for a run
 * without a finished epoch).
 *
 * @example
 * accuracySpec(records)   // a Vega-Lite spec: one line per run over the epochs
 */
export function accuracySpec(runs: RunRecord[]): TopLevelSpec {
  const labels = runLabels(runs);
  // Epoch 0 (an untrained model at ~10%) would flatten the curves of interest; shown only when
  // a run has no finished epoch.
  const values = runs.flatMap((run, i) =>
    (run.epochs.length ? run.epochs : [run.initial]).map((s) => ({ run: labels[i], epoch: s.epoch, acc: s.testAcc, loss: s.testLoss })),
  );
  const none = values.every((v) => v.acc === null);
  return shownSpec({
    ...figureHead('Test accuracy', none ? ['after each epoch', NO_TEST_ACCURACY] : 'after each epoch'),
    ...SIZE.line,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: EPOCH_ENCODING,
      y: { field: 'acc', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.1%' } },
      color: { ...runColor(labels), title: runLabelsTitle(runs) },
      tooltip: [
        { field: 'run', title: runLabelsTitle(runs) },
        { field: 'epoch' },
        { field: 'acc', title: 'test acc', format: '.4f' },
        { field: 'loss', title: 'test loss', format: '.4f' },
      ],
    },
    config: CONFIG,
  });
}
