/**
 * Gradient transforms that shape gradients before the optimiser (each per weight tensor, but for
 * clipByGlobalNorm, which sees every gradient it is given at once):
 *
 *   clipByValue(c)        g ← clip(g, −c, c)
 *   clipByNorm(c)         g ← g · min(1, c / ‖g‖₂)
 *   clipByGlobalNorm(c)   gᵢ ← gᵢ · min(1, c / ‖(g₁, …, gₙ)‖₂)
 *   clipByL1Norm(c)   g ← g · min(1, c / ‖g‖₁)
 *   scale(s)          g ← s·g
 *   zero()            g ← 0   (an optimiser's decoupled decay, AdamW's, still moves the weight)
 *   fromFunction(f)   g ← f(g, w, name)
 *
 * @example
 * chain(masked('conv*', clipByNorm(1)), masked('dense_2', zero()), optimizerSpec('adam:lr=1e-3').transform)
 */
import { type Tensor, tf } from '../tf.ts';
import { type GradientTransform, mapTree, stateless } from './transform.ts';

/**
 * Each gradient entry clipped to [−c, c].
 *
 * Formula: g ← clip(g, −c, c)
 *
 * @example
 * clipByValue(0.5).update({ w: tf.tensor([-2, 0.1, 3]) }, {}, {})[0]['w'];   // [-0.5, 0.1, 0.5]
 */
export const clipByValue = (c: number): GradientTransform => stateless((g) => mapTree(g, (t) => tf.clipByValue(t, -c, c)));

function clipByNormOf(norm: (t: Tensor) => Tensor, c: number): GradientTransform {
  return stateless((g) => mapTree(g, (t) => tf.mul(t, tf.minimum(1, tf.div(c, tf.maximum(norm(t), 1e-12))))));
}

/**
 * Each weight's gradient scaled down to L2 norm c when its norm is larger (Keras's `clipnorm`: per
 * tensor, not PyTorch's global norm). PyTorch's `clip_grad_norm_` given one tensor is the same but for
 * its divisor ‖g‖ + 1e-6 (test/optim/torch-peer.test.ts).
 *
 * Formula: g ← g · min(1, c / ‖g‖₂)
 *
 * @example
 * clipByNorm(1).update({ w: tf.tensor([3, 4]) }, {}, {})[0]['w'];   // [0.6, 0.8]
 */
export const clipByNorm = (c: number): GradientTransform => clipByNormOf((t) => tf.norm(t, 2), c);
/**
 * Every gradient given scaled by one factor, so that their global L2 norm (of all of them as one
 * vector) is at most c: Optax's `clip_by_global_norm`, PyTorch's `clip_grad_norm_` over several
 * tensors (which divides by ‖G‖ + 1e-6). Under `masked` (a layer pattern) the norm is over the
 * weights the pattern matches.
 *
 * Formula: gᵢ ← gᵢ · min(1, c / ‖G‖₂),   ‖G‖₂ = √(Σᵢ ‖gᵢ‖₂²)
 *
 * @example
 * clipByGlobalNorm(1).update({ a: tf.tensor([3]), b: tf.tensor([4]) }, {}, {})[0];   // { a: [0.6], b: [0.8] }
 */
export const clipByGlobalNorm = (c: number): GradientTransform =>
  stateless((g) => {
    const tensors = Object.values(g);
    if (tensors.length === 0) return g;
    const norm = tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t)))));
    const factor = tf.minimum(1, tf.div(c, tf.maximum(norm, 1e-12)));
    return mapTree(g, (t) => tf.mul(t, factor));
  });
/**
 * Each weight's gradient scaled down to L1 norm c when its L1 norm is larger.
 *
 * Formula: g ← g · min(1, c / ‖g‖₁)
 *
 * @example
 * clipByL1Norm(1).update({ w: tf.tensor([3, -1]) }, {}, {})[0]['w'];   // [0.75, -0.25]
 */
export const clipByL1Norm = (c: number): GradientTransform => clipByNormOf((t) => tf.sum(tf.abs(t)), c);
/**
 * Every gradient times s; an optimiser's last step (`scale(-lr)`).
 *
 * Formula: g ← s·g
 *
 * @example
 * chain(scaleByAdam(), scale(-1e-3))   // Adam, lr 1e-3
 */
export const scale = (s: number): GradientTransform => stateless((g) => mapTree(g, (t) => tf.mul(t, s)));
/**
 * Every gradient set to 0 (the optimiser's own decay still moves a weight: `LayerControls.freeze`
 * also zeroes the update).
 *
 * Formula: g ← 0
 *
 * @example
 * masked('dense_2', zero())
 */
export const zero = (): GradientTransform => stateless((g) => mapTree(g, (t) => tf.zerosLike(t)));

/**
 * A user's transform of one gradient tensor (same shape back), given its weight and name.
 *
 * Formula: g ← f(g, w, name)
 *
 * @example
 * masked('dense_1', fromFunction((g) => tf.mul(g, 0.5)))
 */
export function fromFunction(f: (grad: Tensor, weight: Tensor, name: string) => Tensor): GradientTransform {
  return stateless((g, p) => mapTree(g, (t, name) => f(t, p[name] as Tensor, name)));
}
