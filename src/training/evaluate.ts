/** Evaluating a model on data with a loss: the mean loss and the accuracy, with any gradient strategy's threads. */
import type { tf } from '../tf.ts';
import type { TensorData } from './fit-data.ts';
import { localGradients, type GradientStrategy } from './gradients.ts';
import { lossOf, type LossSpec } from './losses.ts';

/**
 * Mean loss and accuracy (null for a loss without accuracy) of `model` on (x, y).
 *
 * @example
 * const { loss, acc } = await evaluate(model, { x: xTest, y: yTest }, { loss: 'sparseCategoricalCrossentropy' });
 */
export async function evaluate(model: tf.LayersModel, data: TensorData, options: { loss?: LossSpec; gradients?: GradientStrategy } = {}): Promise<{ loss: number; acc: number | null }> {
  const n = data.x.shape[0] ?? 0;
  const { lossSum, correct } = await (options.gradients ?? localGradients).evaluate(model, data.x, data.y, lossOf(options.loss));
  const acc = correct / n;
  return { loss: lossSum / n, acc: Number.isFinite(acc) ? acc : null };
}
