/**
 * The model given to train, checked before anything is done with it: a weight holding NaN or ±∞
 * from the start (a model loaded from a checkpoint of a run that diverged, say) can neither be
 * trained nor measured, and nothing diverged.
 *
 *   every weight ─► its count of NaN/±∞ values, on the backend ─► stacked ─► one download
 */
import { NonFiniteWeightsError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import { tf } from '../tf.ts';

/**
 * Throws a NonFiniteWeightsError (a DataError) naming each weight of `model` with NaN or ±∞ values,
 * and how many (its `weight` is the first), before training: counted on the backend, one count per
 * weight, all downloaded at once (Σ [¬isFinite(w)] per weight, stacked into one tensor).
 *
 * @example
 * model.layers[0].weights[0].write(tf.fill([3, 2], NaN));
 * checkFiniteWeights(model);   // throws: weight dense/kernel: 6 of its 6 values are NaN or infinite before training, …
 */
export function checkFiniteWeights(model: tf.LayersModel): void {
  const weights = inventory(model).weights;
  if (weights.length === 0) return;
  const counts = tf.tidy(() => tf.stack(weights.map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.variable.read())), 'int32')))).dataSync());
  const bad = weights.flatMap((w, i) => ((counts[i] ?? 0) > 0 ? [{ name: w.name, count: counts[i], size: w.variable.read().size }] : []));
  const [first] = bad;
  if (!first) return;
  const what =
    bad.length === 1
      ? `weight ${first.name}: ${first.count} of its ${first.size} values are`
      : `weights ${bad.map((b) => `${b.name} (${b.count} of its ${b.size} values)`).join(', ')} hold values`;
  throw new NonFiniteWeightsError(
    first.name,
    `${what} NaN or infinite before training, in the model as it was given ` +
      '(loaded from a run that diverged, or built so), so it can neither be trained nor measured; give a model whose weights are all finite',
  );
}
