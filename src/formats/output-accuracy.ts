/**
 * Each output's accuracy in a record's metrics, for a model of several outputs: there TF.js's log
 * names (which `fit`, `fitToFolder` and `recordWeights` record as they are) are per output,
 * `<output>_loss` for every output and `<output>_acc` for each output that has an accuracy, and the
 * snapshot's single `testAcc` is null. The outputs are read off the `_loss` names, so an output
 * whose own name holds `_acc` is still told apart; a model of one output logs no `<output>_loss`
 * and has none here (its accuracy is `testAcc`).
 *
 *   metrics ─► outputs: the names ending in `_loss`, less it ─► each output's `<output>_acc`
 *   (or `<output>_accuracy`), where recorded, in the metrics' order
 *
 * @example
 * outputAccuracies({ mo_cls_loss: 1.13, mo_reg_loss: 0.14, mo_cls_acc: 0.3125 })
 * // [{ output: 'mo_cls', acc: 0.3125 }]   (mo_reg, a regression output, has no accuracy)
 */
import type { Metrics, PruneCurve, PrunePoint, RunRecord } from './run.ts';

/** One output's accuracy, by the output's name (null when the value was not finite). */
export interface OutputAccuracy {
  readonly output: string;
  readonly acc: number | null;
}

/** The accuracy names TF.js logs an output's accuracy under, in the order looked for. */
const ACCURACY_NAMES = ['acc', 'accuracy'] as const;

/** Each output's accuracy in `metrics` (a snapshot's `testMetrics`, an epoch's `trainMetrics`); [] for a model of one output or none recorded. */
export function outputAccuracies(metrics: Metrics | undefined): OutputAccuracy[] {
  if (!metrics) return [];
  const outputs = Object.keys(metrics).flatMap((k) => (k.endsWith('_loss') ? [k.slice(0, -'_loss'.length)] : []));
  return outputs.flatMap((output) => {
    const name = ACCURACY_NAMES.map((a) => `${output}_${a}`).find((k) => k in metrics);
    return name === undefined ? [] : [{ output, acc: metrics[name] ?? null }];
  });
}

/** An accuracy a scored point is judged by: the model's, or one output's (`output` set). */
export interface Accuracy {
  readonly output?: string;
  readonly acc: number | null;
}

/**
 * The accuracies of a scored point (a snapshot, a point of a prune curve): its single `testAcc`, or
 * where it has none, each output's (`outputAccuracies` of its `testMetrics`); [] without either.
 *
 * @example
 * accuraciesOf({ testAcc: 0.9 })   // [{ acc: 0.9 }]
 * accuraciesOf({ testAcc: null, testMetrics: { a_loss: 1, b_loss: 2, a_acc: 0.5, b_acc: 0.75 } })   // [{ output: 'a', acc: 0.5 }, { output: 'b', acc: 0.75 }]
 */
export function accuraciesOf(s: { readonly testAcc: number | null; readonly testMetrics?: Metrics }): Accuracy[] {
  return s.testAcc !== null ? [{ acc: s.testAcc }] : outputAccuracies(s.testMetrics);
}

/**
 * Whether `curve`, a prune curve of `run`, holds none of the accuracies its run's snapshots hold per
 * output: a model of several outputs whose curve a penx measured before prune points recorded each
 * output's (`PrunePoint.testMetrics`, 7660ba3): its points' `testAcc` is null and say nothing more.
 * Such a curve is not one of a loss without accuracy, and is not to be read as one.
 *
 * @example
 * curveLacksOutputAccuracies(run, run.epochs.at(-1)!.prune!)   // true: the snapshots have digit_acc, parity_acc; the points neither
 */
export function curveLacksOutputAccuracies(run: RunRecord, curve: PruneCurve): boolean {
  return pointsLackOutputAccuracies(run, curve.global);
}

/**
 * `curveLacksOutputAccuracies` of one of a curve's lists of points (its `global` or `perLayer`): by
 * its first point, the trained model's.
 *
 * @example
 * pointsLackOutputAccuracies(run, run.epochs.at(-1)!.prune!.perLayer)   // true for the curve above
 */
export function pointsLackOutputAccuracies(run: RunRecord, points: readonly PrunePoint[]): boolean {
  const trained = points[0];
  if (!trained || accuraciesOf(trained).length) return false;
  return [run.initial, ...run.epochs].some((s) => outputAccuracies(s.testMetrics).length > 0);
}
