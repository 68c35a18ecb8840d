/**
 * A penalty in proximal mode: the same regularizer (same TF.js class, so it saves and loads with
 * the model), whose term still counts in the reported loss but passes no gradient. The training
 * step applies it instead as a proximal step after each optimiser update (see `proximal` in
 * src/optim/prox.ts, which `fit` puts in the optimiser chain for every such penalty):
 *
 *   loss      λ·penalty(w) reported, gradient 0 (not counted twice)
 *   update    w ← prox(w + u, λ·η)     (η: the step size that weight just took)
 *
 * Its spec reads `l1:1e-4,prox`; its saved config carries `prox: true`.
 */

import { SpecError } from '../errors.ts';
import type { Binding } from '../registry/index.ts';
import { noProximalOperator, PROX_FLAG } from '../registry/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';
import type { PenaltyDefinition } from './definition.ts';
import type { PenaltyRegularizer } from './regularizer.ts';

type RegularizerClass = new (binding: Binding<PenaltyDefinition>) => PenaltyRegularizer;

/**
 * x with a zero gradient: the value is reported, the step does not follow it.
 *
 * @example
 * noGradient(tf.mul(λ, penaltyValue(def, w, params)))   // inside a tape: counts in the loss, gradient 0
 */
export const noGradient = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as Tensor;
  return { value: tf.clone(x), gradFunc: (dy: Tensor) => tf.zerosLike(dy) };
});

/** One proximal subclass per penalty class (so `getClassName` and serialisation stay the penalty's own). */
const proxClasses = new WeakMap<RegularizerClass, RegularizerClass>();

function proxClassOf(base: RegularizerClass): RegularizerClass {
  let cls = proxClasses.get(base);
  if (!cls) {
    cls = class extends base {
      override apply(w: Tensor): Scalar {
        return tf.tidy(() => {
          const value = tf.mul(this.strength, this.value(w));
          // A gradient of 0 towards w: computed on a copy fed through noGradient.
          return noGradient(value) as Scalar;
        });
      }
      override getConfig(): tf.serialization.ConfigDict {
        return { ...super.getConfig(), prox: true };
      }
    };
    proxClasses.set(base, cls);
  }
  return cls;
}

/** True when `reg` is a penalty in proximal mode. */
export function isProximal(reg: unknown): boolean {
  return (
    typeof reg === 'object' &&
    reg !== null &&
    'definition' in reg &&
    typeof (reg as { getConfig?: unknown }).getConfig === 'function' &&
    (reg as PenaltyRegularizer).getConfig()['prox'] === true
  );
}

/**
 * The penalty in proximal mode: its gradient leaves the loss, and `fit` applies its proximal
 * operator after each update instead. A SpecError for a penalty without one.
 *
 * @example
 * tf.layers.dense({ units: 10, kernelRegularizer: proximalPenalty(penalty('l1:1e-4')) });   // or penalty('l1:1e-4,prox')
 */
export function proximalPenalty(reg: PenaltyRegularizer): PenaltyRegularizer {
  if (isProximal(reg)) return reg;
  const def = reg.definition;
  if (!def.prox) {
    throw new SpecError(noProximalOperator(def.name));
  }
  const Prox = proxClassOf(reg.constructor as RegularizerClass);
  return new Prox({ entry: def, positional: def.takesStrength ? reg.strength : undefined, params: reg.params, spec: `${reg.spec},${PROX_FLAG}` });
}
