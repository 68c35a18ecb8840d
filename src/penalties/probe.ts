/** Checking a user's penalty on probe values before anything trains. */

import { SpecError, UserCodeError } from '../errors.ts';
import { type Tensor, tf } from '../tf.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** Values a probe evaluates a penalty on: zero, tiny, around the default dead zone, large, both signs. */
const PROBE = [0, 1e-3, -1e-3, 0.1, -0.1, 0.25, -0.25, 0.5, -0.5, 1, -1, 2, -2, 0.03, -0.7, 1.5];

/**
 * Throws a SpecError if the penalty throws, returns a non-scalar or non-finite value on a probe
 * tensor, or has a non-finite gradient at non-zero weights; or if its proximal operator (when it
 * has one) throws, or returns anything but finite weights of the probe's shape, at τ = 0 and τ = 0.1.
 */
export function probePenalty(reg: PenaltyRegularizer): void {
  const name = reg.definition.name;
  let value: number;
  let gradOk: boolean;
  try {
    [value, gradOk] = tf.tidy(() => {
      const w = tf.tensor2d(PROBE, [4, 4]);
      const v = reg.value(w).dataSync()[0] ?? NaN;
      const nonZero = tf.tensor1d(PROBE.filter((x) => x !== 0));
      const g = tf.grad((x: Tensor) => reg.value(x))(nonZero);
      return [v, g.dataSync().every(Number.isFinite)] as [number, boolean];
    });
  } catch (err) {
    if (err instanceof UserCodeError) throw new SpecError(`penalty ${name} threw on a probe tensor of shape [4,4]: ${err.reason}`);
    if (err instanceof SpecError) throw new SpecError(`penalty module for ${name}: ${err.message}`);
    throw new SpecError(`penalty ${name} threw on a probe tensor of shape [4,4]: ${(err as Error).message ?? String(err)}`);
  }
  if (!Number.isFinite(value)) {
    throw new SpecError(`penalty ${name} returned ${value} on a probe tensor of shape [4,4]; a penalty must be finite`);
  }
  if (!gradOk) throw new SpecError(`penalty ${name} has a non-finite gradient on a probe tensor; check it for divisions by |w| or logs of 0`);
  if (reg.definition.prox) probeProx(reg);
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
