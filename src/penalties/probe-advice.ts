/** What a refusal of a penalty's gradient says to write instead: where TF.js finds no gradient, or one not finite at w = 0. */

/**
 * What to write instead of a penalty whose gradient at w = 0 is NaN or ±∞ (probePenalty's refusal, and fit's
 * of a penalty it did not probe): √|w| smoothed, a norm smoothed, or the built-in lp.
 */
export const FINITE_AT_ZERO =
  "TF.js's gradient of √x and of x^p with p < 1 is infinite at x = 0, and 0·∞ is NaN (tf.sqrt(abs(w)), tf.pow(abs(w), 0.5), a norm tf.norm(w) at w = 0): " +
  'smooth it at 0 by writing |w| as √(w² + eps) with a small eps, e.g. tf.pow(tf.add(tf.square(w), 1e-8), 0.25) for √|w| ' +
  'or tf.sqrt(tf.add(tf.sum(tf.square(w)), 1e-8)) for a norm, or use the built-in lp (lp:λ,p=0.5: its gradient is 0 at w = 0)';

/**
 * Why a penalty's value can be NaN or ±∞ beyond a log or a division at w = 0 (probePenalty's refusal,
 * and probeOnWeights'): TF.js computes it in float32, whose largest value is 3.4028235e38.
 */
export const FLOAT32_RANGE =
  'TF.js computes in float32, whose largest value is 3.4028235e38: beyond it a value is ±Infinity ' +
  '(tf.mul(tf.square(w), 1e38) at |w| ≥ 1.85, a constant 1e45), and ∞ − ∞ or 0·∞ is NaN; scale such a penalty down';

/** TF.js's kernels that compare or test values: their result is boolean, so TF.js has no gradient for them (nor for a tf.where they choose for). */
const COMPARISONS = new Set([
  'Equal',
  'NotEqual',
  'Less',
  'LessEqual',
  'Greater',
  'GreaterEqual',
  'LogicalAnd',
  'LogicalOr',
  'LogicalNot',
  'LogicalXor',
  'IsNan',
  'IsInf',
  'IsFinite',
]);

/**
 * Why TF.js found no gradient (its message `tfMessage`), and what to write instead: an op without a
 * gradient, a comparison (a `tf.where` choosing by one: a Huber-like penalty), or no dependence on w.
 *
 * @example
 * whyNoGradient('Cannot compute gradient: gradient function not found for LessEqual.')
 * // 'TF.js has no gradient for LessEqual, a comparison (a tf.where choosing by one included), so training could not …'
 */
export function whyNoGradient(tfMessage: string): string {
  const op = /gradient function not found for (\w+)/.exec(tfMessage)?.[1];
  if (op && COMPARISONS.has(op))
    return (
      `TF.js has no gradient for ${op}, a comparison (a tf.where choosing by one included), so training could not differentiate it; ` +
      `write a piecewise penalty with tf.minimum, tf.maximum or tf.relu instead, e.g. Huber's: m = tf.minimum(abs(w), d), then tf.div(tf.mul(m, tf.sub(abs(w), tf.div(m, 2))), d)`
    );
  if (op) return `TF.js has no gradient for its op ${op}; compute the penalty from w with ops TF.js can differentiate, e.g. tf.sum(abs(w))`;
  return (
    `its value does not depend on w (a constant such as tf.scalar(1)) or comes from an op TF.js cannot differentiate (TF.js: ${tfMessage}); ` +
    `compute it from w with differentiable ops, e.g. tf.sum(abs(w))`
  );
}
