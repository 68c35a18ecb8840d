/**
 * Gradient transforms that shape gradients before the optimiser (each per weight tensor):
 *
 *   clipByValue(c)    g ← clip(g, −c, c)
 *   clipByNorm(c)     g ← g · min(1, c / ‖g‖₂)
 *   clipByL1Norm(c)   g ← g · min(1, c / ‖g‖₁)
 *   scale(s)          g ← s·g
 *   zero()            g ← 0   (freezes the weights: nothing moves them)
 *   fromFunction(f)   g ← f(g, w, name)
 *
 * @example
 * chain(masked('conv*', clipByNorm(1)), masked('dense_2', zero()), optimizerSpec('adam:lr=1e-3').transform)
 */
import { type Tensor, tf } from '../tf.ts';
import { type GradientTransform, mapTree, stateless } from './transform.ts';

export const clipByValue = (c: number): GradientTransform => stateless((g) => mapTree(g, (t) => tf.clipByValue(t, -c, c)));

function clipByNormOf(norm: (t: Tensor) => Tensor, c: number): GradientTransform {
  return stateless((g) => mapTree(g, (t) => tf.mul(t, tf.minimum(1, tf.div(c, tf.maximum(norm(t), 1e-12))))));
}

export const clipByNorm = (c: number): GradientTransform => clipByNormOf((t) => tf.norm(t, 2), c);
export const clipByL1Norm = (c: number): GradientTransform => clipByNormOf((t) => tf.sum(tf.abs(t)), c);
export const scale = (s: number): GradientTransform => stateless((g) => mapTree(g, (t) => tf.mul(t, s)));
export const zero = (): GradientTransform => stateless((g) => mapTree(g, (t) => tf.zerosLike(t)));

/** A user's transform of one gradient tensor (same shape back). */
export function fromFunction(f: (grad: Tensor, weight: Tensor, name: string) => Tensor): GradientTransform {
  return stateless((g, p) => mapTree(g, (t, name) => f(t, p[name] as Tensor, name)));
}
