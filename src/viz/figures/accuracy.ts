/** Test accuracy after each finished epoch, one line per run (and per output of a model of several outputs). */
import type { TopLevelSpec } from 'vega-lite';
import { outputAccuracies, type RunRecord } from '../../formats/index.ts';
import { EPOCH_ENCODING } from './axes.ts';
import { fitToCard } from './fit-width.ts';
import { runLabels, runLabelsTitle, shownSpec } from './format.ts';
import { shortLabels } from './short-names.ts';
import { CONFIG, figureHead, LINE_LEGEND, runColor, SIZE } from './theme.ts';

/** What a figure of test accuracy says when no run recorded one (no `testAcc`, and no output's accuracy in `testMetrics`). */
export const NO_TEST_ACCURACY = 'no test accuracy recorded (no output has an accuracy)';

/** What a figure of test accuracy says when it draws a line per output (a model of several outputs has no single accuracy). */
export const PER_OUTPUT_ACCURACY = 'several outputs: one line per output (dashes)';

/** One test accuracy to draw: after `epoch`, of the model, or of `output` for a model of several outputs. */
export interface AccuracyPoint {
  readonly epoch: number;
  /** Set for one output's accuracy. */
  readonly output?: string;
  readonly acc: number | null;
  readonly loss: number | null;
}

/**
 * A run's test accuracies over its finished epochs (epoch 0 only for a run without one): its single
 * accuracy, or where it has none at any epoch (a model of several outputs), each output's as
 * recorded after every epoch in `testMetrics` (`outputAccuracies`); the single, null ones when
 * neither is recorded.
 *
 * @example
 * testAccuracies(twoOutputRun)   // [{ epoch: 1, output: 'cls', acc: 0.81, loss: 1.2 }, { epoch: 2, output: 'cls', … }]
 */
export function testAccuracies(run: RunRecord): AccuracyPoint[] {
  // Epoch 0 (an untrained model at ~10%) would flatten the curves of interest; shown only when
  // a run has no finished epoch.
  const snaps = run.epochs.length ? run.epochs : [run.initial];
  const single = snaps.map((s) => ({ epoch: s.epoch, acc: s.testAcc, loss: s.testLoss }));
  if (single.some((p) => p.acc !== null)) return single;
  const byOutput = snaps.flatMap((s) => outputAccuracies(s.testMetrics).map((o) => ({ epoch: s.epoch, output: o.output, acc: o.acc, loss: s.testLoss })));
  return byOutput.length ? byOutput : single;
}

/** The `output` of a run's single accuracy drawn beside others' per-output ones. */
export const ALL_OUTPUTS = 'all';

/**
 * The strokeDash of accuracies drawn per output, titled `output` (undefined when no run has them):
 * runs keep their colours, and each output its dash. A run with one accuracy beside them is `all`.
 */
export function outputDash(outputs: readonly (string | undefined)[]) {
  const names = [...new Set(outputs.map((o) => o ?? ALL_OUTPUTS))];
  return outputs.some((o) => o !== undefined)
    ? ({
        field: 'output',
        type: 'nominal',
        title: 'output',
        sort: names,
        // A symbol's fill set, so Vega-Lite keeps its stroke (a dash legend beside a colour one: transparent otherwise).
        // An output's name too long for the legend shortened in its middle (`shortLabels`).
        legend: { ...LINE_LEGEND, symbolStrokeColor: '#555', symbolFillColor: 'transparent', ...shortLabels(names) },
      } as const)
    : undefined;
}

/**
 * The runs' test accuracy after each finished epoch, one line per run (epoch 0 only for a run
 * without a finished epoch); for a run of several outputs, one line per output, dashed by output.
 *
 * @example
 * accuracySpec(records)   // a Vega-Lite spec: one line per run over the epochs
 */
export function accuracySpec(runs: RunRecord[]): TopLevelSpec {
  const labels = runLabels(runs);
  const points = runs.map(testAccuracies);
  const dash = outputDash(points.flat().map((p) => p.output));
  const values = points.flatMap((ps, i) =>
    ps.map((p) => ({ run: labels[i], ...(dash ? { output: p.output ?? ALL_OUTPUTS } : {}), epoch: p.epoch, acc: p.acc, loss: p.loss })),
  );
  const none = values.every((v) => v.acc === null);
  const subtitle = none ? ['after each epoch', NO_TEST_ACCURACY] : dash ? ['after each epoch', PER_OUTPUT_ACCURACY] : 'after each epoch';
  return shownSpec({
    ...figureHead('Test accuracy', subtitle),
    ...SIZE.line,
    // Narrower on a page's narrow card, as the sparsity beside it (fit-width.ts): 607 px scrolled in a 420-px window.
    params: fitToCard({ plots: [SIZE.line.width] }, subtitle),
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: EPOCH_ENCODING,
      y: { field: 'acc', type: 'quantitative', title: 'test accuracy', scale: { zero: false }, axis: { format: '.1%' } },
      color: { ...runColor(labels), title: runLabelsTitle(runs) },
      ...(dash ? { strokeDash: dash } : {}),
      tooltip: [
        { field: 'run', title: runLabelsTitle(runs) },
        ...(dash ? [{ field: 'output' }] : []),
        { field: 'epoch' },
        { field: 'acc', title: 'test acc', format: '.4f' },
        { field: 'loss', title: 'test loss', format: '.4f' },
      ],
    },
    config: CONFIG,
  });
}
