/**
 * Optimiser updates as one kernel where the backend has one. Adadelta's step is ~16 element-wise
 * ops, Adam's ~12 and RMSprop's ~6, each a pass over the weights and a new tensor; a backend may register a
 * whole step as one kernel under an explicit name, which computes every element by the same
 * float32 operations in the same order (so the results are bit for bit those of the ops):
 *
 *   adadeltaStep(g, a, d) / adamStep(g, m, v, c1, c2) / rmsStep(g, a)
 *     ─► backend has the kernel (PenxAdadelta / PenxAdam / PenxRms), float32, same shapes ─► one kernel
 *     └─► anything else (cpu, wasm, webgl, …) ─► the composed TF.js ops
 *
 *   Adadelta  a' = ρ·a + (1−ρ)·g²;  u = g·√(d + ε)/√(a' + ε);  d' = ρ·d + (1−ρ)·u²
 *   Adam      m' = β₁·m + (1−β₁)·g;  v' = β₂·v + (1−β₂)·g²;  u = (m'/c₁) / (√(v'/c₂) + ε)
 *             (c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ: the bias corrections, float32 scalars)
 *   RMSprop   a' = ρ·a + (1−ρ)·g²;  u = g / √(a' + ε)
 *
 * (the onnxruntime backend registers all three: src/backends/onnxruntime/kernels/update-steps.ts).
 *
 * @example
 * const [u, a1, d1] = adadeltaStep(g, a, d, 0.95, 1e-7);
 * const [u2, m1, v1] = adamStep(g, m, v, { c1: tf.scalar(0.1), c2: tf.scalar(0.001), b1: 0.9, b2: 0.999, eps: 1e-7 });
 */
import { type Tensor, tf } from '../tf.ts';

/** The fused Adadelta step's kernel name: inputs g, a, d; attributes rho, eps; outputs [u, a', d']. */
export const ADADELTA_KERNEL = 'PenxAdadelta';

/** The fused Adam step's kernel name: inputs g, m, v, c1, c2 (scalars); attributes b1, b2, eps; outputs [u, m', v']. */
export const ADAM_KERNEL = 'PenxAdam';

/** The fused RMSprop step's kernel name: inputs g, a; attributes rho, eps; outputs [u, a']. */
export const RMS_KERNEL = 'PenxRms';

/** Exponential moving average: decay·prev + (1 − decay)·x. */
export const ema = (prev: Tensor, x: Tensor, decay: number): Tensor => tf.add(tf.mul(prev, decay), tf.mul(x, 1 - decay));

/** Adadelta's step by TF.js ops: [u, a', d'] (the formula above). */
export function adadeltaComposed(g: Tensor, a: Tensor, d: Tensor, rho: number, eps: number): [Tensor, Tensor, Tensor] {
  const a1 = ema(a, tf.square(g), rho);
  const u = tf.mul(tf.div(tf.sqrt(tf.add(d, eps)), tf.sqrt(tf.add(a1, eps))), g);
  return [u, a1, ema(d, tf.square(u), rho)];
}

/** Adam's hyperparameters and this step's bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ (float32 scalars). */
export interface AdamStepOptions {
  readonly c1: Tensor;
  readonly c2: Tensor;
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
}

/** Adam's step by TF.js ops: [u, m', v'] (the formula above). */
export function adamComposed(g: Tensor, m: Tensor, v: Tensor, { c1, c2, b1, b2, eps }: AdamStepOptions): [Tensor, Tensor, Tensor] {
  const m1 = ema(m, g, b1);
  const v1 = ema(v, tf.square(g), b2);
  return [tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), eps)), m1, v1];
}

/** RMSprop's step by TF.js ops: [u, a'] (the formula above). */
export function rmsComposed(g: Tensor, a: Tensor, rho: number, eps: number): [Tensor, Tensor] {
  const a1 = ema(a, tf.square(g), rho);
  return [tf.div(g, tf.sqrt(tf.add(a1, eps))), a1];
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

/** Adam's step [u, m', v'] from the gradient g and the averages m (of g) and v (of g²): one kernel where the backend has it. */
export function adamStep(g: Tensor, m: Tensor, v: Tensor, options: AdamStepOptions): [Tensor, Tensor, Tensor] {
  const { c1, c2, b1, b2, eps } = options;
  const scalars = [c1, c2].every((c) => c.dtype === 'float32' && c.rank === 0);
  if (!scalars || !hasKernel(ADAM_KERNEL, [g, m, v])) return adamComposed(g, m, v, options);
  return tf.engine().runKernel(ADAM_KERNEL, { g, m, v, c1, c2 }, { b1, b2, eps }) as unknown as [Tensor, Tensor, Tensor];
}

/** RMSprop's step [u, a'] from the gradient g and the average a (of g²): one kernel where the backend has it. */
export function rmsStep(g: Tensor, a: Tensor, rho: number, eps: number): [Tensor, Tensor] {
  if (!hasKernel(RMS_KERNEL, [g, a])) return rmsComposed(g, a, rho, eps);
  return tf.engine().runKernel(RMS_KERNEL, { g, a }, { rho, eps }) as unknown as [Tensor, Tensor];
}
