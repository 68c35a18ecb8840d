/**
 * The built-in penalties: the one registry of their names, parameters, defaults and formulas.
 * Formulas are without the strength λ (applied outside); the table in the README lists them.
 */

import { named } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { makePenaltyDefinition, type PenaltyBody, type PenaltyDefinition, penaltyBody } from './definition.ts';
import { abs } from './ops.ts';
import { deadZoneProx, elasticNetProx, softThreshold } from './prox-ops.ts';

/**
 * |w|^p element-wise (the library sums it, so the record sums it in float64), with the
 * subgradient 0 at w = 0 (plain autodiff gives 0·∞ = NaN there for p < 1).
 */
function absPow(w: Tensor, p: number): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const xt = args[0] as Tensor;
    (args[1] as tf.GradSaveFunc)([xt]);
    return {
      value: tf.pow(tf.abs(xt), p),
      gradFunc: (dy, saved) => {
        const [s] = saved as Tensor[];
        const x0 = s as Tensor;
        const g = tf.mul(p, tf.mul(tf.sign(x0), tf.pow(tf.abs(x0), p - 1)));
        return tf.mul(dy, tf.where(tf.equal(x0, 0), tf.zerosLike(x0), g));
      },
    };
  });
  return f(w);
}

const BODIES = {
  none: penaltyBody({
    formula: '0',
    doc: 'No penalty: the baseline.',
    params: {},
    takesStrength: false,
    fn: (w) => tf.zerosLike(w).mul(w), // 0 with a (zero) gradient, so tf.grad works on it
  }),
  l1: penaltyBody({
    formula: 'Σ|w|',
    doc: 'Lasso. Drives many weights to 0, fast. Example: l1:1e-4',
    params: {},
    fn: (w) => abs(w),
    prox: (w, tau) => softThreshold(w, tau),
  }),
  l2: penaltyBody({
    formula: 'Σw²',
    doc: "Weight decay / ridge; gradient 2λ·w, so PyTorch's weight_decay=wd is l2:wd/2. Gathers weights at 0 more slowly than L1. Example: l2:1e-4",
    params: {},
    fn: (w) => tf.square(w),
  }),
  l1l2: penaltyBody({
    formula: 'l1·Σ|w| + l2·Σw²',
    doc: 'Elastic net; the strength scales both terms. Example: l1l2:1,l1=1e-4,l2=1e-4',
    params: {
      l1: { default: 1e-4, min: 0, doc: 'weight of Σ|w|' },
      l2: { default: 1e-4, min: 0, doc: 'weight of Σw²' },
    },
    defaultStrength: 1,
    fn: (w, { l1, l2 }) => tf.add(tf.mul(l1, abs(w)), tf.mul(l2, tf.square(w))),
    prox: (w, tau, { l1, l2 }) => elasticNetProx(w, tau, l1, l2),
  }),
  l3: penaltyBody({
    formula: 'Σ|w|³',
    doc: 'Weak pull near 0: mass hovers around 0 without collapsing. Example: l3:1e-4',
    params: {},
    fn: (w) => tf.mul(abs(w), tf.square(w)),
  }),
  l4: penaltyBody({
    formula: 'Σw⁴',
    doc: 'Weaker still near 0; punishes large weights hard. Example: l4:1e-4',
    params: {},
    fn: (w) => tf.square(tf.square(w)),
  }),
  lp: penaltyBody({
    formula: 'Σ|w|^p',
    doc: 'General power; gradient p·sign(w)·|w|^(p−1), taken as 0 at w = 0. Example: lp:1e-4,p=3',
    params: { p: { default: 2, above: 0, doc: 'the power' } },
    fn: (w, { p }) => absPow(w, p),
  }),
  deadzone: penaltyBody({
    formula: 'Σ max(0, |w| − a)',
    doc: 'L1 outside [−a, a], nothing inside; element-wise, never negative. Example: deadzone:1e-4,a=0.25',
    params: { a: { default: 0.25, min: 0, doc: 'half-width of the penalty-free zone' } },
    fn: (w, { a }) => tf.relu(tf.sub(abs(w), a)),
    prox: (w, tau, { a }) => deadZoneProx(w, tau, a),
  }),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each body has its own parameter names
} as const satisfies Record<string, PenaltyBody<any>>;

/** The name of a built-in penalty: `none`, `l1`, `l2`, `l1l2`, `l3`, `l4`, `lp` or `deadzone`. */
export type BuiltinPenaltyName = keyof typeof BODIES;

/**
 * The built-in penalties' definitions by name (formula, doc, parameters, function, proximal operator
 * where there is one); the penalty catalogue starts from them.
 *
 * @example
 * BUILTIN_PENALTIES.deadzone.formula   // 'Σ max(0, |w| − a)'
 * BUILTIN_PENALTIES.l1.prox            // the soft threshold
 */
export const BUILTIN_PENALTIES = named(BODIES, (name, body) => makePenaltyDefinition(name, body as PenaltyBody, true)) as Readonly<
  Record<BuiltinPenaltyName, PenaltyDefinition>
>;
