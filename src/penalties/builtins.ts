/**
 * The built-in penalties: their signatures (names, parameters, defaults and formulas, TF.js-free in
 * registry/penalty-signatures.ts: the one registry of them) with their functions here, φ and the
 * proximal operator where there is one.
 */

import { type BuiltinPenaltyName, named, type ParamValues, PENALTY_SIGNATURES } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { makePenaltyDefinition, type PenaltyBody, type PenaltyDefinition, type PenaltyFunctions, type ProximalOperator } from './definition.ts';
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

/** Each signature's functions, from its bound parameters. */
type Functions = {
  readonly [K in BuiltinPenaltyName]: PenaltyFunctions<ParamValues<(typeof PENALTY_SIGNATURES)[K]['params']>> &
    // A proximal operator exactly for the signatures that declare one.
    ((typeof PENALTY_SIGNATURES)[K] extends { readonly proximal: true }
      ? { readonly prox: ProximalOperator<ParamValues<(typeof PENALTY_SIGNATURES)[K]['params']>> }
      : { readonly prox?: never });
};

const FUNCTIONS: Functions = {
  none: { fn: (w) => tf.zerosLike(w).mul(w) }, // 0 with a (zero) gradient, so tf.grad works on it
  l1: { fn: (w) => abs(w), prox: (w, tau) => softThreshold(w, tau) },
  l2: { fn: (w) => tf.square(w) },
  l1l2: {
    fn: (w, { l1, l2 }) => tf.add(tf.mul(l1, abs(w)), tf.mul(l2, tf.square(w))),
    prox: (w, tau, { l1, l2 }) => elasticNetProx(w, tau, l1, l2),
  },
  l3: { fn: (w) => tf.mul(abs(w), tf.square(w)) },
  l4: { fn: (w) => tf.square(tf.square(w)) },
  lp: { fn: (w, { p }) => absPow(w, p) },
  deadzone: { fn: (w, { a }) => tf.relu(tf.sub(abs(w), a)), prox: (w, tau, { a }) => deadZoneProx(w, tau, a) },
};

/**
 * The built-in penalties' definitions by name (formula, doc, parameters, function, proximal operator
 * where there is one); the penalty catalogue starts from them.
 *
 * @example
 * BUILTIN_PENALTIES.deadzone.formula   // 'Σ max(0, |w| − a)'
 * BUILTIN_PENALTIES.l1.prox            // the soft threshold
 */
export const BUILTIN_PENALTIES = named(PENALTY_SIGNATURES, (name, signature) =>
  makePenaltyDefinition(name, { ...signature, ...FUNCTIONS[name as BuiltinPenaltyName] } as PenaltyBody, true),
) as Readonly<Record<BuiltinPenaltyName, PenaltyDefinition>>;
