/**
 * The built-in constraints, with Keras semantics (ε = 1e-7). Norms are L2 norms of the slices
 * along `axis` — one axis or several (`axis=0+1+2`), negative counting from the end: for a Dense
 * kernel [in, out], axis 0 constrains each unit's incoming weights; for a Conv2D kernel
 * [h, w, in, out], `axis=0+1+2` constrains each filter (Keras's per-filter form). `perchannel=1`
 * takes the norms over every axis but the last, whatever the weight's rank: each filter of a
 * Conv2D, each unit of a Dense — one spec for all the kernels of a model. A rank-1 weight (a bias,
 * a vector kernel) holds one value per output channel, so there each value is its own channel and
 * its norm is |w_i| — as its tracked channel norms and projected share count it:
 *
 *   maxnorm:m=1,perchannel=1 on [3, −4, 0.3]   ─► [1, −1, 0.3]   (not the vector scaled to norm 1)
 */

import { SpecError } from '../errors.ts';
import { named } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { type ConstraintBody, type ConstraintDefinition, constraintBody, makeConstraintDefinition } from './definition.ts';

/** ε of the norm constraints, as in Keras: a norm n divides as ε + n, so an all-zero slice stays 0. */
export const EPSILON = 1e-7;

const axisParam = {
  default: 0,
  integer: true,
  list: true,
  doc: 'axis or axes (0+1+2) along which norms are taken (negative counts from the end)',
  // perchannel=1 takes the norms over every axis but the last: the spec then shows no axis.
  overriddenBy: 'perchannel',
} as const;
const perChannelParam = {
  default: 0,
  min: 0,
  max: 1,
  integer: true,
  quiet: true,
  doc: "1: norms over every axis but the last (per output channel), instead of axis; on a rank-1 weight (a bias) each value is its channel's, norm |w_i|",
} as const;

/** The axes the norms are taken along: `axis`, or with `perchannel` every axis but the last (none for a rank-1 weight: |w_i|). */
function normAxes(w: Tensor, axis: readonly number[], perchannel: number): readonly number[] {
  return perchannel === 1 ? Array.from({ length: w.rank - 1 }, (_, i) => i) : axis;
}

/** The message when both `perchannel=1` and an axis other than the default are given: one would be ignored. */
function axisAndPerChannel({ axis, perchannel }: { axis: readonly number[]; perchannel: number }): string | undefined {
  return perchannel === 1 && !(axis.length === 1 && axis[0] === 0)
    ? `perchannel=1 takes the norms over every axis but the last, so it cannot be given with axis=${axis.join('+')}; give one of them`
    : undefined;
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

const BODIES = {
  maxnorm: constraintBody({
    formula: 'w · clip(‖w‖, 0, m) / (ε + ‖w‖)',
    doc: 'Caps the norm of each slice at m. Example: maxnorm:m=2,axis=0 (Dense), maxnorm:m=2,axis=0+1+2 (per Conv2D filter), maxnorm:m=2,perchannel=1 (per output channel of any kernel)',
    params: { m: { default: 2, min: 0, doc: 'largest norm allowed' }, axis: axisParam, perchannel: perChannelParam },
    check: axisAndPerChannel,
    fn: (w, { m, axis, perchannel }) => rescale(w, normAxes(w, axis, perchannel), (n) => tf.clipByValue(n, 0, m)),
  }),
  nonneg: constraintBody({
    formula: 'w · [w ≥ 0]',
    doc: 'Sets negative weights to 0. Example: nonneg',
    params: {},
    fn: (w) => tf.relu(w),
  }),
  unitnorm: constraintBody({
    formula: 'w / (ε + ‖w‖)',
    doc: 'Scales each slice to norm 1. Example: unitnorm:axis=0',
    params: { axis: axisParam, perchannel: perChannelParam },
    check: axisAndPerChannel,
    fn: (w, { axis, perchannel }) => tf.div(w, tf.add(EPSILON, normsAlong(w, normAxes(w, axis, perchannel)))),
  }),
  minmaxnorm: constraintBody({
    formula: 'w · (rate·clip(‖w‖, min, max) + (1−rate)·‖w‖) / (ε + ‖w‖)',
    doc: "Moves each slice's norm part of the way (rate) into [min, max]. Example: minmaxnorm:min=0,max=5,rate=0.1",
    params: {
      min: { default: 0, min: 0, doc: 'smallest norm' },
      max: { default: 1, min: 0, doc: 'largest norm' },
      rate: { default: 1, min: 0, max: 1, doc: 'share of the way to move the norm per step (1 = strict)' },
      axis: axisParam,
      perchannel: perChannelParam,
    },
    check: (p) => (p.min > p.max ? `minmaxnorm needs min ≤ max, got min=${p.min}, max=${p.max}` : axisAndPerChannel(p)),
    fn: (w, { min, max, rate, axis, perchannel }) =>
      rescale(w, normAxes(w, axis, perchannel), (n) => tf.add(tf.mul(rate, tf.clipByValue(n, min, max)), tf.mul(1 - rate, n))),
  }),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each body has its own parameter names
} as const satisfies Record<string, ConstraintBody<any>>;

/** The name of a built-in constraint: `maxnorm`, `nonneg`, `unitnorm` or `minmaxnorm`. */
export type BuiltinConstraintName = keyof typeof BODIES;

/**
 * The built-in constraints' definitions by name (formula, doc, parameters, function); the constraint
 * catalogue starts from them.
 *
 * @example
 * BUILTIN_CONSTRAINTS.maxnorm.formula   // 'w · clip(‖w‖, 0, m) / (ε + ‖w‖)'
 */
export const BUILTIN_CONSTRAINTS = named(BODIES, (name, body) => makeConstraintDefinition(name, body as ConstraintBody, true)) as Readonly<
  Record<BuiltinConstraintName, ConstraintDefinition>
>;
