/**
 * Which weights a gradient reaches, found by running the model once (TF.js's autodiff follows the ops a
 * pass records, so only a pass can tell):
 *
 *   zeros of each input's shape (a batch of one, every unknown size 1) ─► the model in training mode
 *   ─► Σ of its outputs ─► TF.js's gradients with respect to the weights asked about (none is an error)
 *   ─► those given a gradient
 *
 * Its random draws come from a fixed seed, and whatever the pass assigns (a BatchNormalization's moving
 * statistics) is put back. A pass that throws says nothing (undefined): training meets the error itself.
 *
 * @example
 * reachedByGradient(intLevels, [levels])   // Set { levels }: its call reads it through tf.cast, whose gradient TF.js passes on
 */
import { tf } from '../tf.ts';
import { dropTape } from './kernel-probe.ts';
import { withSeededRandom } from './seeded-random.ts';

/** Those of `weights` a gradient of `model`'s outputs reaches (see the file's comment); undefined when the pass throws. */
export function reachedByGradient(model: tf.LayersModel, weights: readonly tf.LayerVariable[]): Set<tf.LayerVariable> | undefined {
  if (weights.length === 0) return new Set();
  const inputs = model.inputs.map((i) =>
    tf.zeros(
      i.shape.map((d) => d ?? 1),
      i.dtype,
    ),
  );
  // What the pass may assign, put back after it.
  const variables = [...new Set(model.weights)].map((w) => w.read() as tf.Variable);
  const saved = variables.map((v) => tf.clone(v));
  let reached: boolean[] = [];
  try {
    withSeededRandom(0, () =>
      tf.tidy(() => {
        const { grads } = tf.engine().gradients(
          () => {
            const out = model.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: true }) as tf.Tensor | tf.Tensor[];
            return tf.addN([out].flat().map((t) => tf.sum(tf.cast(t, 'float32')))) as tf.Scalar;
          },
          weights.map((w) => w.read()),
          undefined,
          true,
        );
        reached = grads.map((g) => g != null);
      }),
    );
    return new Set(weights.filter((_, i) => reached[i]));
  } catch {
    dropTape();
    return undefined;
  } finally {
    variables.forEach((v, i) => {
      if (v.dataId !== saved[i]!.dataId) v.assign(saved[i]!);
    });
    tf.dispose([...inputs, ...saved]);
  }
}
