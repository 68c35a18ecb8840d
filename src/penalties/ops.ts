/**
 * Tensor operations for writing penalties whose gradients are right at w = 0.
 */
import { type Tensor, tf } from '../tf.ts';

const absWithSignGrad = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.abs(x),
    gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, tf.sign(saved[0] as Tensor)),
  };
});

/**
 * |w| with gradient sign(w), i.e. 0 at w = 0. TF.js's own `tf.abs` has gradient −1 at w = 0,
 * which would push exact zeros away under an L1-type penalty; use this one in penalties.
 *
 * @example
 * definePenalty({ name: 'myl1', fn: (w) => abs(w) });
 */
export function abs(w: Tensor): Tensor {
  return absWithSignGrad(w);
}
