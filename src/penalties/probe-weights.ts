/**
 * A penalty checked on the weights it will be put on: the probe tensors (`probePenalty`) are of
 * shape [4,4], [15] and [1], and a penalty can pass there and fail on a model's kernels — one that
 * reduces over an axis (a group lasso √(Σ over a filter's rows w²), NaN where a whole filter is 0),
 * reshapes, or needs a rank the probe has not.
 *
 *   each weight ─► φ and ∇φ at its value (the untrained weights) ─┬► throws, no gradient, value not finite,
 *   each distinct shape ─► φ and ∇φ at all 0 (a zeroed filter) ───┘  gradient not finite or not of the shape ─► SpecError
 *
 * Each check is one value and one gradient, read back as two numbers (and the gradient whole only
 * when it is refused). A gradient of another shape than the weight's (a `tf.customGrad`'s) TF.js
 * refuses itself; its refusal is said as such.
 */

import { SpecError, UserCodeError } from '../errors.ts';
import { formatFloat32, fromModule } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { FINITE_AT_ZERO, FLOAT32_RANGE, whyNoGradient } from './probe-advice.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

/** A weight a penalty will be put on: its name, as the refusal names it, and its value (the weights a run starts from). */
export interface ProbedWeight {
  readonly name: string;
  readonly value: Tensor;
}

/** Where on a weight a penalty is checked: at its value, or at 0 (all its entries). */
type Where = 'untrained' | 'zero';

/** What a refusal says of where it was checked. */
const AT: Record<Where, string> = {
  untrained: 'at the untrained weights',
  zero: 'where all its weights are 0 (as a filter or unit is once a penalty or pruning has zeroed it)',
};

/**
 * A SpecError when `reg` (a user's penalty) throws, has no gradient, or has a value that is not finite
 * or a gradient that is not finite or not of the weight's shape, at each weight's value and at 0 on
 * each distinct shape of `weights` (its first weight of that shape named). The refusal names the
 * penalty, the weight and its shape, and says what to write instead.
 *
 * @example
 * // definePenalty({ name: 'gl', fn: (w) => tf.sum(tf.sqrt(tf.sum(tf.square(w), 0))) }) (a group lasso, not smoothed):
 * probeOnWeights(penalty('gl:1e-3'), [{ name: 'conv2d_1/kernel', value: kernel }])
 * // throws "penalty gl:0.001 on conv2d_1/kernel (shape [5,5,1,8]) has gradient NaN where all its weights are 0 …"
 */
export function probeOnWeights(reg: PenaltyRegularizer, weights: readonly ProbedWeight[]): void {
  for (const w of weights) checkAt(reg, w.name, w.value, 'untrained');
  const shapes = new Set<string>();
  for (const w of weights) {
    const key = w.value.shape.join(',');
    if (shapes.has(key)) continue;
    shapes.add(key);
    const zero = tf.zeros(w.value.shape);
    try {
      checkAt(reg, w.name, zero, 'zero');
    } finally {
      zero.dispose();
    }
  }
}

/** TF.js's refusal of a gradient of another shape than its input's: the gradient's shape, e.g. `3` or `2,3`. */
const GRADIENT_SHAPE = /The gradient of input '\d+' has shape '([\d,]*)', which does not match the shape of the input/;

/** What a check found: the value, and why TF.js found no gradient, the gradient's shape when not the weight's, or where it is not finite. */
type Found = {
  v: number;
  noGradient?: string;
  gradShape?: string;
  notFinite?: { index: number; gradient: number; at: number };
};

/** The penalty's value and gradient at `value`, on the weight `name`, refused as `probeOnWeights` says. */
function checkAt(reg: PenaltyRegularizer, name: string, value: Tensor, where: Where): void {
  // `penalty logsum:0.001 (from ./logsum.ts) on conv2d_1/kernel (shape [5,5,1,8])`
  const on = `penalty ${reg.spec}${fromModule(reg.definition)} on ${name} (shape [${value.shape}])`;
  const found = tf.tidy((): Found => {
    let result: { value: Tensor; grad: Tensor };
    try {
      result = tf.valueAndGrad((x: Tensor) => reg.value(x))(value);
    } catch (err) {
      // The penalty's own code threw, or returned a tensor of another shape: said of this weight.
      if (err instanceof UserCodeError)
        throw new UserCodeError(`${err.what} on ${name} (shape [${value.shape}]) ${AT[where]}`, err.reason, { cause: err.cause });
      if (err instanceof SpecError) throw new SpecError(`${on} ${AT[where]}: ${err.message}`, { cause: err });
      const message = (err as Error).message ?? String(err);
      // TF.js checks each gradient's shape: a tf.customGrad's gradFunc that returns another is refused so.
      const shape = GRADIENT_SHAPE.exec(message)?.[1];
      return shape === undefined ? { v: NaN, noGradient: message } : { v: NaN, gradShape: shape };
    }
    const v = result.value.dataSync()[0] ?? NaN;
    const { grad } = result;
    if (tf.all(tf.isFinite(grad)).dataSync()[0] === 1) return { v };
    const g = grad.dataSync();
    const index = g.findIndex((x) => !Number.isFinite(x));
    return { v, notFinite: { index, gradient: g[index] ?? NaN, at: value.dataSync()[index] ?? NaN } };
  });
  if (found.gradShape !== undefined) {
    throw new SpecError(
      `${on} has a gradient of shape [${found.gradShape}] ${AT[where]}, not the weights' shape [${value.shape}]: ` +
        `a tf.customGrad's gradFunc must return dy times the derivative of its value with respect to each weight, of the weights' shape`,
    );
  }
  if (found.noGradient !== undefined) throw new SpecError(`${on} has no gradient with respect to the weights w: ${whyNoGradient(found.noGradient)}`);
  if (!Number.isFinite(found.v)) {
    throw new SpecError(
      `${on} is ${found.v} ${AT[where]}; nothing was trained; a penalty must be finite at every w training can reach: ` +
        `check it for a log or a division at w = 0, a norm divided by another (0/0 where all are 0), or a value too large for float32 (${FLOAT32_RANGE})`,
    );
  }
  if (!found.notFinite) return;
  const { index, gradient, at } = found.notFinite;
  throw new SpecError(
    `${on} has gradient ${gradient} ${AT[where]} (entry ${index}, w = ${formatFloat32(at)}); nothing was trained; ` +
      `its gradient must be finite at every w, else training turns the weights NaN at its first step. ` +
      (at === 0 ? FINITE_AT_ZERO : `check it for a root or a power below 1 of |w − c| at w = c, or a division by it`),
  );
}
