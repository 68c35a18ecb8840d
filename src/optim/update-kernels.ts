/**
 * Optimiser updates as one kernel where the backend has one. Adadelta's step is ~16 element-wise
 * ops, each a pass over the weights and a new tensor; a backend may register the whole step as
 * one kernel under an explicit name, which computes every element by the same float32 operations
 * in the same order (so the results are bit for bit those of the ops):
 *
 *   adadeltaStep(g, a, d) ─► backend has kernel PenxAdadelta, float32, same shapes ─► one kernel
 *                         └─► anything else (cpu, wasm, webgl, …) ─► the composed TF.js ops
 *
 *   a' = ρ·a + (1−ρ)·g²;  u = g·√(d + ε)/√(a' + ε);  d' = ρ·d + (1−ρ)·u²
 *
 * (the onnxruntime backend registers it: src/backends/onnxruntime/kernels/adadelta.ts).
 *
 * @example
 * const [u, a1, d1] = adadeltaStep(g, a, d, 0.95, 1e-7);
 */
import { type Tensor, tf } from '../tf.ts';

/** The fused Adadelta step's kernel name: inputs g, a, d; attributes rho, eps; outputs [u, a', d']. */
export const ADADELTA_KERNEL = 'PenxAdadelta';

/** Exponential moving average: decay·prev + (1 − decay)·x. */
export const ema = (prev: Tensor, x: Tensor, decay: number): Tensor => tf.add(tf.mul(prev, decay), tf.mul(x, 1 - decay));

/** Adadelta's step by TF.js ops: [u, a', d'] (the formula above). */
export function adadeltaComposed(g: Tensor, a: Tensor, d: Tensor, rho: number, eps: number): [Tensor, Tensor, Tensor] {
  const a1 = ema(a, tf.square(g), rho);
  const u = tf.mul(tf.div(tf.sqrt(tf.add(d, eps)), tf.sqrt(tf.add(a1, eps))), g);
  return [u, a1, ema(d, tf.square(u), rho)];
}

/** Whether the current backend runs `kernel` on these float32 tensors of one shape. */
function hasKernel(kernel: string, ts: readonly Tensor[]): boolean {
  const shape = ts[0]!.shape;
  return tf.getKernel(kernel, tf.getBackend()) !== undefined && ts.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, shape));
}

/** Adadelta's step [u, a', d'] from the gradient g and the averages a (of g²) and d (of u²): one kernel where the backend has it. */
export function adadeltaStep(g: Tensor, a: Tensor, d: Tensor, rho: number, eps: number): [Tensor, Tensor, Tensor] {
  if (!hasKernel(ADADELTA_KERNEL, [g, a, d])) return adadeltaComposed(g, a, d, rho, eps);
  return tf.engine().runKernel(ADADELTA_KERNEL, { g, a, d }, { rho, eps }) as unknown as [Tensor, Tensor, Tensor];
}
