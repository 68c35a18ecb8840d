/**
 * A user's penalty TF.js cannot differentiate, refused before training with what to write instead.
 * `loadPenalty` and `penx` probe a module's penalty (`probePenalty`); one defined in the caller's own
 * code and put on a layer with `penalty('mine:1e-3')` is not probed, and a `tf.where` choosing by a
 * comparison in it stopped the first batch with TF.js's bare "Cannot compute gradient: gradient
 * function not found for LessEqual." — naming neither the penalty nor the weight.
 *
 *   each weight with a user's penalty (not proximal: its gradient leaves the loss) ─► ∇ λ·penalty at its untrained value ─► TF.js finds none ─► SpecError
 */
import { SpecError, UserCodeError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import { isPenalty, isProximal, whyNoGradient } from '../penalties/index.ts';
import { type Tensor, tf } from '../tf.ts';

/**
 * A SpecError naming the weight and the penalty when TF.js has no gradient of a user-defined
 * penalty (`definePenalty`, not a built-in) at the weight it is on, saying why (a comparison, an op
 * without a gradient, no dependence on w) and what to write instead (`whyNoGradient`). One gradient
 * per such weight, disposed; built-ins and proximal penalties are skipped.
 *
 * @example
 * // definePenalty({ name: 'hub', fn: (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.square(w), abs(w)) }) on d/kernel:
 * checkPenaltyGradients(model);   // throws: penalty hub:0.001 on d/kernel has no gradient with respect to the weights w: TF.js has no gradient for LessEqual, a comparison …
 */
export function checkPenaltyGradients(model: tf.LayersModel): void {
  for (const w of inventory(model).weights) {
    const reg = w.regularizer;
    if (!isPenalty(reg) || reg.definition.builtin || isProximal(reg)) continue;
    let noGradient = '';
    try {
      tf.tidy(() => void tf.grad((x: Tensor) => reg.apply(x))(w.variable.read()));
    } catch (err) {
      // The penalty's own code threw, or returned the wrong shape: its own error says so.
      if (err instanceof UserCodeError || err instanceof SpecError) throw err;
      noGradient = (err as Error).message ?? String(err);
    }
    if (noGradient) throw new SpecError(`penalty ${reg.spec} on ${w.name} has no gradient with respect to the weights w: ${whyNoGradient(noGradient)}`);
  }
}
