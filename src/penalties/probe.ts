/** Checking a user's penalty on probe values before anything trains. */

import { SpecError, UserCodeError } from '../errors.ts';
import { type Tensor, tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** Values a probe evaluates a penalty on: zero, tiny, around the default dead zone, large, both signs. */
const PROBE = [0, 1e-3, -1e-3, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 1, -1, 2, -2, 0.03, -0.7, 1.5];

/**
 * Throws a SpecError if the penalty throws, returns a non-scalar or non-finite value on a probe
 * tensor, has no gradient with respect to the weights (its value does not depend on them, e.g.
 * `tf.scalar(1)`, or comes from an op TF.js cannot differentiate), or has a non-finite gradient at
 * non-zero weights; or if its proximal operator (when it has one) throws, or returns anything but
 * finite weights of the probe's shape, at τ = 0 and τ = 0.1. Its value is checked before its
 * gradient, so `tf.scalar(NaN)` is refused as not finite.
 */
export function probePenalty(reg: PenaltyRegularizer): void {
  const name = reg.definition.name;
  const value = userCall(name, () => tf.tidy(() => reg.value(tf.tensor2d(PROBE, [4, 4])).dataSync()[0] ?? NaN));
  if (!Number.isFinite(value)) {
    throw new SpecError(`penalty ${name} returned ${value} on a probe tensor of shape [4,4]; a penalty must be finite`);
  }
  // [finite, TF.js's error when it finds no gradient (not the penalty's code: that throws a UserCodeError)].
  const [gradOk, noGradient] = userCall(name, () =>
    tf.tidy(() => {
      const nonZero = tf.tensor1d(PROBE.filter((x) => x !== 0));
      try {
        return [
          tf
            .grad((x: Tensor) => reg.value(x))(nonZero)
            .dataSync()
            .every(Number.isFinite),
          '',
        ] as [boolean, string];
      } catch (err) {
        if (err instanceof UserCodeError || err instanceof SpecError) throw err;
        return [false, (err as Error).message ?? String(err)] as [boolean, string];
      }
    }),
  );
  if (noGradient)
    throw new SpecError(
      `penalty ${name} has no gradient with respect to the weights w: its value does not depend on w (a constant such as tf.scalar(1)) ` +
        `or comes from an op TF.js cannot differentiate (TF.js: ${noGradient}); compute it from w with differentiable ops, e.g. tf.sum(abs(w))`,
    );
  if (!gradOk) throw new SpecError(`penalty ${name} has a non-finite gradient on a probe tensor; check it for divisions by |w| or logs of 0`);
  if (reg.definition.prox) probeProx(reg);
}

/** `call()` (the penalty run on a probe), what its code threw said as a SpecError naming the penalty. */
function userCall<T>(name: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof UserCodeError) throw new SpecError(`penalty ${name} threw on a probe tensor of shape [4,4]: ${err.reason}`);
    if (err instanceof SpecError) throw new SpecError(`penalty module for ${name}: ${err.message}`);
    throw new SpecError(`penalty ${name} threw on a probe tensor of shape [4,4]: ${(err as Error).message ?? String(err)}`);
  }
}

/** The proximal operator on the probe tensor, at τ = 0 and τ = 0.1: finite weights of its shape. */
function probeProx(reg: PenaltyRegularizer): void {
  const name = reg.definition.name;
  let finite: boolean;
  try {
    finite = tf.tidy(() => {
      const w = tf.tensor2d(PROBE, [4, 4]);
      return [0, 0.1].every((tau) => tf.all(tf.isFinite(reg.prox(w, tf.fill([4, 4], tau)))).dataSync()[0] === 1);
    });
  } catch (err) {
    if (err instanceof SpecError && !(err instanceof UserCodeError)) throw err;
    const reason = err instanceof UserCodeError ? err.reason : ((err as Error).message ?? String(err));
    throw new SpecError(`the proximal operator of penalty ${name} threw on a probe tensor of shape [4,4]: ${reason}`);
  }
  if (!finite)
    throw new SpecError(
      `the proximal operator of penalty ${name} returned a non-finite weight on a probe tensor of shape [4,4]; it must return finite weights`,
    );
}
