/**
 * The model given to train, checked before anything is done with it: a weight holding NaN or ±∞
 * from the start (a model loaded from a checkpoint of a run that diverged, say) can neither be
 * trained nor measured, and nothing diverged.
 */
import { NonFiniteWeightsError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import { tf } from '../tf.ts';

/**
 * Throws a NonFiniteWeightsError (a DataError) naming the first weight of `model` with NaN or ±∞
 * values, and how many, before training: counted on the backend, one number per weight downloaded.
 *
 * @example
 * model.layers[0].weights[0].write(tf.fill([3, 2], NaN));
 * checkFiniteWeights(model);   // throws: weight dense/kernel: 6 of its 6 values are NaN or infinite before training, …
 */
export function checkFiniteWeights(model: tf.LayersModel): void {
  for (const w of inventory(model).weights) {
    const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.variable.read())), 'int32')).dataSync()[0] ?? 0);
    if (bad > 0)
      throw new NonFiniteWeightsError(
        w.name,
        `weight ${w.name}: ${bad} of its ${w.variable.read().size} values are NaN or infinite before training, in the model as it was given ` +
          '(loaded from a run that diverged, or built so), so it can neither be trained nor measured; give a model whose weights are all finite',
      );
  }
}
