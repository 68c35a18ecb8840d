/** Evaluating a model on data: the mean loss, the accuracy and the metrics, with any gradient strategy's threads. */

import type { Metrics } from '../formats/index.ts';
import { checkReadBack } from '../kernels/index.ts';
import type { tf } from '../tf.ts';
import { batchOf, type TensorData } from './fit-data.ts';
import { type GradientStrategy, localGradients } from './gradients.ts';
import { type LossOption, type Objective, objectiveOf } from './objective.ts';
import { accuracyOf } from './step.ts';

/** null for a value that is not finite. */
export const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The metrics' names, as TF.js logs them: a model of several outputs also has each output's loss, `<output>_loss`. */
export function metricNames(objective: Objective): string[] {
  return [...(objective.outputs.length > 1 ? objective.outputs.map((o) => `${o}_loss`) : []), ...objective.metrics.map((m) => m.name)];
}

/** The metrics of sums (per sample), by TF.js's log names (see `metricNames`). */
export function metricsOf(objective: Objective, scores: readonly number[], n: number): Metrics {
  // scores: [Σ loss, Σ loss of each output, Σ of each metric]; the outputs' losses are logged only when there are several.
  const values = [
    ...(objective.outputs.length > 1 ? objective.outputs.map((_, i) => scores[1 + i]) : []),
    ...objective.metrics.map((_, i) => scores[1 + objective.losses.length + i]),
  ];
  return Object.fromEntries(metricNames(objective).map((name, i) => [name, orNull((values[i] ?? NaN) / n)]));
}

/**
 * Mean loss (summed over the outputs), accuracy (null for a loss without accuracy or several
 * outputs) and metrics of `model` on (x, y). On a backend whose synchronous read-back is wrong it
 * throws ReadBackError (`checkReadBack`) rather than read wrong numbers.
 *
 * @example
 * const { loss, acc } = await evaluate(model, { x: xTest, y: yTest }, { loss: 'sparseCategoricalCrossentropy' });
 */
export async function evaluate(
  model: tf.LayersModel,
  data: TensorData,
  options: { loss?: LossOption; objective?: Objective; gradients?: GradientStrategy } = {},
): Promise<{ loss: number; acc: number | null; metrics: Metrics }> {
  checkReadBack();
  const objective = options.objective ?? objectiveOf(model, options.loss);
  const { scores, n } = await (options.gradients ?? localGradients).evaluate(model, batchOf(model, data), objective);
  return { loss: (scores[0] ?? NaN) / n, acc: orNull(accuracyOf(objective, scores, n)), metrics: metricsOf(objective, scores, n) };
}
