/**
 * Closed-form proximal operators of the L1-type penalties, element-wise, with step τ ≥ 0 (a
 * tensor of the weights' shape or a number):
 *
 *   soft threshold   (λ·Σ|w|)                  x = sign(w)·max(0, |w| − τ)
 *   elastic net      (λ·(l1·Σ|w| + l2·Σw²))    x = sign(w)·max(0, |w| − τ·l1) / (1 + 2τ·l2)
 *   dead zone        (λ·Σ max(0, |w| − a))     x = w inside [−a, a]; else sign(w)·max(a, |w| − τ)
 *
 * Each is argmin_x ½(x − w)² + τ·φ(x); only the soft threshold (and the elastic net) set weights to
 * exactly 0: the dead zone's stops at ±a. They are written with relu and subtraction only
 * (sign(w)·max(0, |w| − τ) = relu(w − τ) − relu(−w − τ)): the backends' fast element-wise kernels.
 */
import { type Tensor, tf } from '../tf.ts';

/**
 * sign(w)·max(0, |w| − τ): L1's proximal operator.
 *
 * @example
 * softThreshold(tf.tensor([-0.3, 0.05, 0.2]), 0.1);   // [-0.2, 0, 0.1]
 */
export function softThreshold(w: Tensor, tau: Tensor | number): Tensor {
  return tf.tidy(() => tf.sub(tf.relu(tf.sub(w, tau)), tf.relu(tf.sub(tf.neg(w), tau))));
}

/** The elastic net's proximal operator: the soft threshold at τ·l1, shrunk by 1 + 2τ·l2. */
export function elasticNetProx(w: Tensor, tau: Tensor | number, l1: number, l2: number): Tensor {
  return tf.tidy(() => tf.div(softThreshold(w, tf.mul(tau, l1)), tf.add(1, tf.mul(tau, 2 * l2))));
}

/**
 * The dead zone's proximal operator: weights inside [−a, a] stay; outside, they move τ toward 0
 * but not past ±a. With o = softThreshold(w, a), the part beyond ±a: x = w − o + softThreshold(o, τ).
 */
export function deadZoneProx(w: Tensor, tau: Tensor | number, a: number): Tensor {
  return tf.tidy(() => {
    const beyond = softThreshold(w, a);
    return tf.add(tf.sub(w, beyond), softThreshold(beyond, tau));
  });
}
