/** Evaluating a model on data: the mean loss, the accuracy and the metrics, with any gradient strategy's threads. */

import type { Metrics } from '../formats/index.ts';
import { checkReadBack } from '../kernels/index.ts';
import type { Predictions } from '../monitor/index.ts';
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
 * outputs) and metrics of `model` on (x, y); with `predictions: true`, also each output's
 * probabilities from the same passes (the values the accuracy counted: argmax per row), as arrays
 * of n × the output's size floats (40 MB for 100 000 samples of 100 classes; nothing kept without it).
 * On a backend whose synchronous read-back is wrong it throws ReadBackError (`checkReadBack`)
 * rather than read wrong numbers.
 *
 * @example
 * const { loss, acc } = await evaluate(model, { x: xTest, y: yTest }, { loss: 'sparseCategoricalCrossentropy' });
 * const { predictions } = await evaluate(model, { x: xTest, y: yTest }, { predictions: true });   // predictions[0].shape: [n, classes]
 */
export async function evaluate(
  model: tf.LayersModel,
  data: TensorData,
  options: { loss?: LossOption; objective?: Objective; gradients?: GradientStrategy; predictions?: boolean } = {},
): Promise<{ loss: number; acc: number | null; metrics: Metrics; predictions?: Predictions[] }> {
  checkReadBack();
  const objective = options.objective ?? objectiveOf(model, options.loss);
  const batch = batchOf(model, data);
  const { scores, n, predictions } = await (options.gradients ?? localGradients).evaluate(model, batch, objective, options.predictions === true);
  return {
    loss: (scores[0] ?? NaN) / n,
    acc: orNull(accuracyOf(objective, scores, n)),
    metrics: metricsOf(objective, scores, n),
    ...(options.predictions && predictions
      ? { predictions: predictions.map((values, i) => ({ values, shape: [n, ...rowShape(model, i, values.length / n)] })) }
      : {}),
  };
}

/** Output i's shape per sample (`size` values): the model's, or [size] where it leaves a size open. */
function rowShape(model: tf.LayersModel, i: number, size: number): number[] {
  const shape = model.outputs[i]?.shape.slice(1) ?? [];
  const known = shape.every((d): d is number => typeof d === 'number');
  return known && shape.reduce((a, d) => a * d, 1) === size ? shape : [size];
}
