/**
 * The checks `fit` (and fitToFolder, before it touches its folder) makes of its arguments that are
 * not about the data or a record continued: whole numbers, a dataset's own batch size, a model with
 * something to train, a `gradients` option made for this model and objective.
 *
 * @example
 * await withBatchSizeOf(dataset.batch(64), { epochs: 1 })   // { epochs: 1, batchSize: 64 }
 */

import { UsageError } from '../errors.ts';
import { takesGradient, uniqueWeights } from '../model/index.ts';
import type { tf } from '../tf.ts';
import { datasetBatchSize, type FitData, isTensorData } from './fit-data.ts';
import type { FitOptions } from './fit-options.ts';
import { objectiveOf } from './objective.ts';

/**
 * `value` when a whole number ≥ `min`, else a UsageError naming `what`.
 *
 * @example
 * wholeNumber(2.5, 'epochs', 1)   // throws: epochs must be a whole number ≥ 1, got 2.5
 */
export function wholeNumber(value: number, what: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${what} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/**
 * The options with a dataset's own batch size as `batchSize` (what its record states); a
 * UsageError when the options give another one (a dataset brings its batches: `dataset.batch(n)`).
 */
export async function withBatchSizeOf(data: FitData, options: FitOptions): Promise<FitOptions> {
  if (isTensorData(data)) return options;
  const size = await datasetBatchSize(data);
  if (options.batchSize !== undefined && options.batchSize !== size)
    throw new UsageError(
      `batchSize ${options.batchSize} with a dataset of batches of ${size}: a dataset brings its own batches (dataset.batch(n)); leave batchSize out`,
    );
  return { ...options, batchSize: size };
}

/** A UsageError when `options.gradients` cannot train `model` on fit's objective (started for another one). */
export function checkGradientsOption(model: tf.LayersModel, options: FitOptions): void {
  const refused = options.gradients?.refusal?.(model, objectiveOf(model, options.loss, options.metrics));
  if (refused) throw new UsageError(`the gradients option cannot train this: ${refused}`);
}

/**
 * A UsageError when `model` has no trainable weight (every layer frozen, or none with weights):
 * there is nothing to train (TF.js's own message, from deep in its gradients, does not say so).
 *
 * @example
 * checkTrainable(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], trainable: false })] }))   // throws
 */
export function checkTrainable(model: tf.LayersModel): void {
  if (uniqueWeights(model, true).length > 0) return;
  const frozen = model.weights.length;
  const integer = model.trainableWeights.filter((w) => !takesGradient(w)).map((w) => `${w.originalName} (${w.dtype})`);
  const why = integer.length
    ? `${integer.join(', ')} take no gradient (only a float32 weight is trained), the others are frozen`
    : `all ${frozen} of its weight tensors are frozen`;
  throw new UsageError(
    `model ${model.name} has no trainable weights (${frozen ? why : 'it has no weights'}), so there is nothing to train; make a layer trainable (layer.trainable = true)`,
  );
}
