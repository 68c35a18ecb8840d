/**
 * A user-defined penalty, as a user would write it: the log-sum penalty
 *
 *   penalty(w) = Σ log(1 + |w|/eps)
 *
 * which pulls small weights to 0 harder than L1 but barely touches large ones. Use it with
 * `npx penx penalties ./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05`, or import it and
 * write `penalty('logsum:1e-4,eps=0.05')`.
 */
import { abs, definePenalty, tf } from 'penalty-explorer';

/**
 * The `logsum` penalty: λ·Σ log(1 + |w|/eps), eps default 0.01. Its pull on a weight is
 * λ/(eps + |w|) toward 0 — 1/eps times L1's at w = 0 (100× for eps = 0.01), and fading as |w| grows.
 *
 * @example
 * penalty('logsum:1e-4,eps=0.05')   // once this module is imported: λ = 1e-4, eps = 0.05
 */
export default definePenalty({
  name: 'logsum',
  formula: 'Σ log(1 + |w|/eps)',
  doc: 'Log-sum: a sharper pull to 0 than L1 for small weights, almost none for large ones.',
  params: { eps: { default: 0.01, above: 0, doc: 'scale below which weights are pulled hard' } },
  // `abs` from the library, not tf.abs: its gradient at w = 0 is 0, as it should be.
  fn: (w, { eps }) => tf.log1p(tf.div(abs(w), eps)),
});
