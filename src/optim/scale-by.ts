/**
 * The stateful transforms optimisers are built from (Optax names; updates still to be scaled by
 * −lr):
 *
 *   trace(m)               v ← m·v + g;  u = v                                (momentum)
 *   trace(m, true)         v ← m·v + g;  u = g + m·v                          (Nesterov momentum)
 *   scaleByAdam(b1,b2,ε)   m ← b1·m + (1−b1)·g;  v ← b2·v + (1−b2)·g²;  u = m̂ / (√v̂ + ε)
 *   scaleByRms(ρ, ε)       a ← ρ·a + (1−ρ)·g²;  u = g / √(a + ε)                (Keras and TF.js RMSprop)
 *                          (PyTorch's RMSprop adds ε outside the root: u = g / (√a + ε))
 *   scaleByAdadelta(ρ, ε)  a ← ρ·a + (1−ρ)·g²;  u = g·√(d + ε)/√(a + ε);  d ← ρ·d + (1−ρ)·u²  (Keras)
 *   scaleByRss(a₀, ε)      a ← a + g²  (from a₀);  u = g / √(a + ε)              (Adagrad: Keras, TF.js, Optax)
 *                          (PyTorch's Adagrad adds ε outside the root, g/(√a + ε), and starts a at 0)
 *   addDecayedWeights(wd)  u ← u + wd·w                                        (decoupled decay)
 *
 * With the same parameters these are PyTorch's SGD (momentum, dampening 0, nesterov or not), Adam,
 * AdamW, Adadelta and Adagrad (test/optim/torch-peer.test.ts); the defaults differ (ε 1e-7, Keras's). In float32, as TF.js
 * computes, Adam's bias correction 1 − β₂ᵗ is 1.3e-5 off at the first step (β₂ = 0.999 is 0.99900001),
 * ~6e-6 of a step against PyTorch's float64, as in TF.js's and Keras's own Adam.
 */
import { type Tensor, tf } from '../tf.ts';
import { type GradientTransform, mapTree, type State, stateless, type Tree, zerosLike } from './transform.ts';
import { adadeltaStep, adamStep, rmsStep } from './update-kernels.ts';

const slot = (state: State, name: string, key: string): Tensor => state[`${name}:${key}`] as Tensor;

/**
 * Momentum's running sum of gradients (PyTorch's SGD momentum, dampening 0); with `nesterov` the
 * step looks ahead by one more momentum term (PyTorch's nesterov=True, Optax's trace(nesterov)).
 *
 * Formula: v ← m·v + g;  u = v  (nesterov: u = g + m·v, the new v)
 *
 * @example
 * chain(trace(0.9), scale(-0.01))         // optimizerSpec('momentum:lr=0.01,m=0.9').transform
 * chain(trace(0.9, true), scale(-0.01))   // optimizerSpec('momentum:lr=0.01,m=0.9,nesterov=1').transform
 */
export function trace(momentum: number, nesterov = false): GradientTransform {
  return {
    init: (p) => zerosLike(p, 'v'),
    update: (g, s) => {
      const v = mapTree(g, (t, k) => tf.add(tf.mul(slot(s, 'v', k), momentum), t));
      const u = nesterov ? mapTree(g, (t, k) => tf.add(t, tf.mul(v[k] as Tensor, momentum))) : v;
      return [u, Object.fromEntries(Object.entries(v).map(([k, t]) => [`v:${k}`, t]))];
    },
  };
}

/**
 * Adagrad's step direction (Optax's scale_by_rss), as Keras and TF.js take it: the sum of squared
 * gradients starts at `init` (Keras's initial_accumulator_value) and ε is inside the root.
 * PyTorch's Adagrad is the same with init 0 and ε outside, g/(√a + ε): equal for ε ≪ a.
 *
 * Formula: a ← a + g²  (a₀ = init);  u = g / √(a + ε)
 *
 * @example
 * chain(scaleByRss(0.1, 1e-7), scale(-1e-3))   // optimizerSpec('adagrad:lr=1e-3').transform
 */
export function scaleByRss(init = 0.1, eps = 1e-7): GradientTransform {
  return {
    init: (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [`a:${k}`, tf.fill(v.shape, init, 'float32')])),
    update: (g, s) => {
      const next: Record<string, Tensor> = {};
      const u = mapTree(g, (t, k) => {
        const a = tf.add(slot(s, 'a', k), tf.square(t));
        next[`a:${k}`] = a;
        return tf.div(t, tf.sqrt(tf.add(a, eps)));
      });
      return [u, next];
    },
  };
}

/**
 * Adam's step direction, with bias corrections (t: the step count from 1).
 *
 * Formula: m ← b1·m + (1−b1)·g;  v ← b2·v + (1−b2)·g²;  u = m̂ / (√v̂ + ε),  m̂ = m/(1 − b1ᵗ), v̂ = v/(1 − b2ᵗ)
 *
 * @example
 * chain(scaleByAdam(0.9, 0.999, 1e-7), scale(-1e-3))   // optimizerSpec('adam:lr=1e-3').transform
 */
export function scaleByAdam(b1 = 0.9, b2 = 0.999, eps = 1e-7): GradientTransform {
  return {
    init: (p) => ({ ...zerosLike(p, 'm'), ...zerosLike(p, 'v'), count: tf.scalar(0) }),
    update: (g, s) => {
      const count = tf.add(s['count'] as Tensor, 1);
      const c1 = tf.sub(1, tf.pow(b1, count));
      const c2 = tf.sub(1, tf.pow(b2, count));
      const next: Record<string, Tensor> = { count };
      const u = mapTree(g, (t, k) => {
        // One kernel where the backend has one (update-kernels.ts), the same ops otherwise.
        const [delta, m, v] = adamStep(t, slot(s, 'm', k), slot(s, 'v', k), { c1, c2, b1, b2, eps });
        next[`m:${k}`] = m;
        next[`v:${k}`] = v;
        return delta;
      });
      return [u, next];
    },
  };
}

/**
 * RMSprop's step direction, as Keras and TF.js take it: ε inside the root.
 *
 * Formula: a ← ρ·a + (1−ρ)·g²;  u = g / √(a + ε)
 *
 * @example
 * chain(scaleByRms(0.9, 1e-7), scale(-1e-3))   // optimizerSpec('rmsprop:lr=1e-3').transform
 */
export function scaleByRms(rho = 0.9, eps = 1e-7): GradientTransform {
  return {
    init: (p) => zerosLike(p, 'a'),
    update: (g, s) => {
      const next: Record<string, Tensor> = {};
      const u = mapTree(g, (t, k) => {
        // One kernel where the backend has one (update-kernels.ts), the same ops otherwise.
        const [delta, a] = rmsStep(t, slot(s, 'a', k), rho, eps);
        next[`a:${k}`] = a;
        return delta;
      });
      return [u, next];
    },
  };
}

/**
 * Adadelta's step, as Keras takes it.
 *
 * Formula: a ← ρ·a + (1−ρ)·g²;  u = g·√(d + ε)/√(a + ε);  d ← ρ·d + (1−ρ)·u²
 *
 * @example
 * chain(scaleByAdadelta(0.95, 1e-7), scale(-1))   // optimizerSpec('adadelta:lr=1,rho=0.95').transform
 */
export function scaleByAdadelta(rho = 0.95, eps = 1e-7): GradientTransform {
  return {
    init: (p) => ({ ...zerosLike(p, 'a'), ...zerosLike(p, 'd') }),
    update: (g, s) => {
      const next: Record<string, Tensor> = {};
      const u = mapTree(g, (t, k) => {
        // One kernel where the backend has one (update-kernels.ts), the same ops otherwise.
        const [delta, a, d] = adadeltaStep(t, slot(s, 'a', k), slot(s, 'd', k), rho, eps);
        next[`a:${k}`] = a;
        next[`d:${k}`] = d;
        return delta;
      });
      return [u, next];
    },
  };
}

/**
 * Decoupled weight decay: the weight times wd added to the update, before the learning rate
 * scales it (AdamW, as PyTorch's).
 *
 * Formula: u ← u + wd·w
 *
 * @example
 * chain(scaleByAdam(), addDecayedWeights(1e-4), scale(-1e-3))   // optimizerSpec('adamw:lr=1e-3,wd=1e-4').transform
 */
export function addDecayedWeights(wd: number): GradientTransform {
  return stateless((g: Tree, p: Tree) => mapTree(g, (t, k) => tf.add(t, tf.mul(p[k] as Tensor, wd))));
}
