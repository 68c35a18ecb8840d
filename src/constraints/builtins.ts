/**
 * The built-in constraints' functions, with Keras semantics (ε = 1e-7); their signatures (names,
 * parameters, formulas, checks across parameters) are TF.js-free, in registry/constraint-signatures.ts.
 * Norms are L2 norms of the slices along `axis` — one axis or several (`axis=0+1+2`), negative counting from the end: for a Dense
 * kernel [in, out], axis 0 constrains each unit's incoming weights; for a Conv2D kernel
 * [h, w, in, out], `axis=0+1+2` constrains each filter (Keras's per-filter form). `perchannel=1`
 * takes the norms over every axis but the last, whatever the weight's rank: each filter of a
 * Conv2D, each unit of a Dense, each input channel of a Conv2DTranspose (TF.js keeps its kernel
 * [h, w, out, in]) — one spec for all the kernels of a model. A rank-1 weight (a bias,
 * a vector kernel) holds one value per output channel, so there each value is its own channel and
 * its norm is |w_i| — as its tracked channel norms and projected share count it:
 *
 *   maxnorm:m=1,perchannel=1 on [3, −4, 0.3]   ─► [1, −1, 0.3]   (not the vector scaled to norm 1)
 *
 * PyTorch's: `maxnorm` is `torch.renorm(w, 2, dim, m)` (which divides by ‖w‖ + 1e-7 too, and leaves a
 * slice within the bound as it is, here scaled by ‖w‖/(ε + ‖w‖)), `unitnorm` `F.normalize` (which divides
 * by max(‖w‖, 1e-12)), `nonneg` `clamp(min=0)` (test/optim/torch-peer.test.ts).
 */

import { SpecError } from '../errors.ts';
import { type BuiltinConstraintName, CONSTRAINT_SIGNATURES, named, type ParamValues } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { type ConstraintBody, type ConstraintDefinition, makeConstraintDefinition } from './definition.ts';

/** ε of the norm constraints, as in Keras: a norm n divides as ε + n, so an all-zero slice stays 0. */
export const EPSILON = 1e-7;

/** The axes the norms are taken along: `axis`, or with `perchannel` every axis but the last (none for a rank-1 weight: |w_i|). */
function normAxes(w: Tensor, axis: readonly number[], perchannel: number): readonly number[] {
  return perchannel === 1 ? Array.from({ length: w.rank - 1 }, (_, i) => i) : axis;
}

/**
 * ‖w‖ along `axis` (one axis or several), kept as broadcastable dimensions; along no axis (`[]`),
 * each value's own norm |w_i|.
 *
 * @example
 * normsAlong(tf.tensor2d([[3, 0], [4, 1]]), 0)   // [[5, 1]]
 * normsAlong(tf.tensor1d([3, -4]), [])           // [3, 4]
 */
export function normsAlong(w: Tensor, axis: number | readonly number[]): Tensor {
  const axes = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => {
    const i = a < 0 ? w.rank + a : a;
    if (i < 0 || i >= w.rank) throw new SpecError(`axis=${a} is out of range for a weight of rank ${w.rank} (shape [${w.shape}])`);
    return i;
  });
  return axes.length === 0 ? tf.abs(w) : tf.sqrt(tf.sum(tf.square(w), axes, true));
}

/** w rescaled so each slice's norm n becomes `desired(n)`: w · desired / (ε + n). */
function rescale(w: Tensor, axis: readonly number[], desired: (n: Tensor) => Tensor): Tensor {
  const n = normsAlong(w, axis);
  return tf.mul(w, tf.div(desired(n), tf.add(EPSILON, n)));
}

/** Each signature's function, from its bound parameters. */
type Functions = { readonly [K in BuiltinConstraintName]: (w: Tensor, params: ParamValues<(typeof CONSTRAINT_SIGNATURES)[K]['params']>) => Tensor };

const FUNCTIONS: Functions = {
  maxnorm: (w, { m, axis, perchannel }) => rescale(w, normAxes(w, axis, perchannel), (n) => tf.clipByValue(n, 0, m)),
  nonneg: (w) => tf.relu(w),
  unitnorm: (w, { axis, perchannel }) => tf.div(w, tf.add(EPSILON, normsAlong(w, normAxes(w, axis, perchannel)))),
  minmaxnorm: (w, { min, max, rate, axis, perchannel }) =>
    rescale(w, normAxes(w, axis, perchannel), (n) => tf.add(tf.mul(rate, tf.clipByValue(n, min, max)), tf.mul(1 - rate, n))),
};

/**
 * The built-in constraints' definitions by name (formula, doc, parameters, function); the constraint
 * catalogue starts from them.
 *
 * @example
 * BUILTIN_CONSTRAINTS.maxnorm.formula   // 'w · clip(‖w‖, 0, m) / (ε + ‖w‖)'
 */
export const BUILTIN_CONSTRAINTS = named(CONSTRAINT_SIGNATURES, (name, signature) =>
  makeConstraintDefinition(name, { ...signature, fn: FUNCTIONS[name as BuiltinConstraintName] } as ConstraintBody, true),
) as Readonly<Record<BuiltinConstraintName, ConstraintDefinition>>;
