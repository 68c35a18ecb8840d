/**
 * A user's penalty checked on the weights a run starts from, before training, with what to write
 * instead. `loadPenalty` and `penx` probe a module's penalty (`probePenalty`) on probe tensors of
 * shapes [4,4], [15] and [1], and one defined in the caller's own code and put on a layer with
 * `penalty('mine:1e-3')` is not probed: a `tf.where` choosing by a comparison in it stopped the first
 * batch with TF.js's bare "Cannot compute gradient: gradient function not found for LessEqual." —
 * naming neither the penalty nor the weight —, `tf.sqrt(abs(w))` on a bias of zeros turned the
 * weights NaN at the first step, said as a run that diverged, and a group lasso √(Σ w² over a filter)
 * passed the probe and was NaN where a whole filter is 0.
 *
 *   each weight with a user's penalty (not proximal: its gradient leaves the loss), grouped by penalty
 *   ─► probeOnWeights: φ and ∇φ at its untrained value, and at 0 on each distinct shape ─► SpecError naming the weight and its shape
 */
import { inventory } from '../model/index.ts';
import { isPenalty, isProximal, type PenaltyRegularizer, type ProbedWeight, probeOnWeights } from '../penalties/index.ts';
import type { tf } from '../tf.ts';

/**
 * A SpecError naming the penalty, the weight and its shape when a user-defined penalty (`definePenalty`,
 * not a built-in) on `model`'s weights throws there, has no gradient (why, and what to write instead:
 * `whyNoGradient`), or has a value or gradient that is NaN or ±∞, or a gradient not of the weight's
 * shape — at the weight's untrained value, or at 0 on each distinct shape it is on (`probeOnWeights`).
 * Built-ins and proximal penalties are skipped. Two numbers read back per check.
 *
 * @example
 * // definePenalty({ name: 'hub', fn: (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.square(w), abs(w)) }) on d/kernel:
 * checkPenaltyGradients(model);   // throws: penalty hub:0.001 on d/kernel (shape [3,2]) has no gradient with respect to the weights w: TF.js has no gradient for LessEqual, a comparison …
 * // definePenalty({ name: 'root', fn: (w) => tf.sqrt(abs(w)) }) on d/bias, all 0:
 * checkPenaltyGradients(model);   // throws: penalty root:0.001 on d/bias (shape [2]) has gradient NaN at the untrained weights (entry 0, w = 0); …
 */
export function checkPenaltyGradients(model: tf.LayersModel): void {
  // By spec: a layer's copy of the same penalty is the same penalty, its shapes checked at 0 once.
  const bySpec = new Map<string, { reg: PenaltyRegularizer; weights: ProbedWeight[] }>();
  for (const w of inventory(model).weights) {
    const reg = w.regularizer;
    if (!isPenalty(reg) || reg.definition.builtin || isProximal(reg)) continue;
    const group = bySpec.get(reg.spec) ?? { reg, weights: [] };
    group.weights.push({ name: w.name, value: w.variable.read() });
    bySpec.set(reg.spec, group);
  }
  for (const { reg, weights } of bySpec.values()) probeOnWeights(reg, weights);
}
