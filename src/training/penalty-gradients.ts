/**
 * A user's penalty TF.js cannot differentiate, or whose gradient is NaN or ±∞ at the weights training
 * starts from, refused before training with what to write instead. `loadPenalty` and `penx` probe a
 * module's penalty (`probePenalty`); one defined in the caller's own code and put on a layer with
 * `penalty('mine:1e-3')` is not probed: a `tf.where` choosing by a comparison in it stopped the first
 * batch with TF.js's bare "Cannot compute gradient: gradient function not found for LessEqual." —
 * naming neither the penalty nor the weight — and `tf.sqrt(abs(w))` on a bias of zeros turned the
 * weights NaN at the first step, said as a run that diverged.
 *
 *   each weight with a user's penalty (not proximal: its gradient leaves the loss) ─► ∇ λ·penalty at its untrained value ─┬► TF.js finds none ─► SpecError
 *                                                                                                                     └► an entry NaN or ±∞ ─► SpecError
 */
import { SpecError, UserCodeError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import { FINITE_AT_ZERO, isPenalty, isProximal, whyNoGradient } from '../penalties/index.ts';
import { type Tensor, tf } from '../tf.ts';

/** Where a gradient is not finite: its first such entry, the gradient there and the weight's value there. */
interface NotFinite {
  readonly index: number;
  readonly gradient: number;
  readonly at: number;
}

/**
 * A SpecError naming the weight and the penalty when TF.js has no gradient of a user-defined
 * penalty (`definePenalty`, not a built-in) at the weight it is on, saying why (a comparison, an op
 * without a gradient, no dependence on w) and what to write instead (`whyNoGradient`); or when that
 * gradient is NaN or ±∞ at some entry, saying where, what, and — at w = 0 — what to write instead
 * (`FINITE_AT_ZERO`). One gradient per such weight, checked on the backend and disposed (one number
 * read back); built-ins and proximal penalties are skipped.
 *
 * @example
 * // definePenalty({ name: 'hub', fn: (w) => tf.where(tf.lessEqual(abs(w), 0.1), tf.square(w), abs(w)) }) on d/kernel:
 * checkPenaltyGradients(model);   // throws: penalty hub:0.001 on d/kernel has no gradient with respect to the weights w: TF.js has no gradient for LessEqual, a comparison …
 * // definePenalty({ name: 'root', fn: (w) => tf.sqrt(abs(w)) }) on d/bias, all 0:
 * checkPenaltyGradients(model);   // throws: penalty root:0.001 on d/bias has gradient NaN at the untrained weights (entry 0, w = 0); …
 */
export function checkPenaltyGradients(model: tf.LayersModel): void {
  for (const w of inventory(model).weights) {
    const reg = w.regularizer;
    if (!isPenalty(reg) || reg.definition.builtin || isProximal(reg)) continue;
    let noGradient = '';
    let notFinite: NotFinite | undefined;
    try {
      notFinite = tf.tidy(() => {
        const value = w.variable.read();
        const grad = tf.grad((x: Tensor) => reg.apply(x))(value);
        if (tf.all(tf.isFinite(grad)).dataSync()[0] === 1) return undefined;
        const g = grad.dataSync();
        const index = g.findIndex((v) => !Number.isFinite(v));
        return { index, gradient: g[index] ?? NaN, at: value.dataSync()[index] ?? NaN };
      });
    } catch (err) {
      // The penalty's own code threw, or returned the wrong shape: its own error says so.
      if (err instanceof UserCodeError || err instanceof SpecError) throw err;
      noGradient = (err as Error).message ?? String(err);
    }
    if (noGradient) throw new SpecError(`penalty ${reg.spec} on ${w.name} has no gradient with respect to the weights w: ${whyNoGradient(noGradient)}`);
    if (notFinite) {
      const { index, gradient, at } = notFinite;
      throw new SpecError(
        `penalty ${reg.spec} on ${w.name} has gradient ${gradient} at the untrained weights (entry ${index}, w = ${at}); nothing was trained; ` +
          `its gradient must be finite at every w, else training turns the weights NaN at its first step. ` +
          (at === 0 ? FINITE_AT_ZERO : `check it for a root or a power below 1 of |w − c| at w = c, or a division by it`),
      );
    }
  }
}
