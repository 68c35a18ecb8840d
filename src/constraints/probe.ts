/** Checking a constraint on a probe tensor before anything trains. */

import { SpecError, UserCodeError } from '../errors.ts';
import { tf } from '../tf.ts';
import type { PenxConstraint } from './constraint.ts';

/** Throws a SpecError if the constraint throws or returns a wrong shape or non-finite values on a probe tensor. */
export function probeConstraint(c: PenxConstraint): void {
  let finite: boolean;
  try {
    finite = tf.tidy(() =>
      c
        .apply(tf.randomNormal([3, 3, 2, 4], 0, 0.5, 'float32', 1))
        .dataSync()
        .every(Number.isFinite),
    );
  } catch (err) {
    if (err instanceof UserCodeError) throw new SpecError(`constraint ${c.definition.name} threw on a probe tensor of shape [3,3,2,4]: ${err.reason}`);
    if (err instanceof SpecError) throw err;
    throw new SpecError(`constraint ${c.definition.name} threw on a probe tensor of shape [3,3,2,4]: ${(err as Error).message ?? String(err)}`);
  }
  if (!finite) throw new SpecError(`constraint ${c.definition.name} returned non-finite values on a probe tensor`);
}
