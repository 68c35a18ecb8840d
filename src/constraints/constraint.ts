/**
 * A constraint bound to parameter values, as a TensorFlow.js constraint: `apply(w)` returns the
 * projected weight. It plugs into any layer's `kernelConstraint`/`biasConstraint` and serialises
 * with the model as class `penx.constraint.<name>` with the parameters as config. TF.js's own
 * `fit` ignores it; `trainStep` applies it after every update.
 *
 * @example
 * tf.layers.dense({ units: 10, kernelConstraint: constraint('maxnorm:m=2') });
 */

import { NamedClasses, tfjsBaseClass } from '../model/index.ts';
import type { Binding, ParamValues } from '../registry/index.ts';
import { direct, runUserCode } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';
import { type ConstraintDefinition, constrainedValue } from './definition.ts';

/** tfjs-layers' Constraint base class (not exported; `getConstraint` checks `instanceof` it). */
const Constraint = tfjsBaseClass(tf.constraints.nonNeg());

/**
 * A constraint with its parameters, as a TF.js constraint (see the file's comment); made by
 * `constraint(spec)`.
 *
 * Formula: apply(w) = the definition's fn(w, params), of w's shape
 *
 * @example
 * constraint('nonneg').apply(tf.tensor([1, -2]));   // [1, 0]
 */
export class PenxConstraint extends Constraint {
  static className = 'penx.Constraint';
  readonly definition: ConstraintDefinition;
  readonly params: ParamValues;
  /** Normalised spec text, e.g. `maxnorm:m=2,axis=0`. */
  readonly spec: string;

  constructor(binding: Binding<ConstraintDefinition>) {
    super();
    this.definition = binding.entry;
    this.params = binding.params;
    this.spec = binding.spec;
  }

  apply(w: Tensor): Tensor {
    const def = this.definition;
    return constrainedValue(def, w, this.params, def.builtin ? direct : (call) => runUserCode(def, (from) => `constraint ${this.spec}${from}`, call));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.params };
  }
}

/** One TF.js class per constraint name, `penx.constraint.<name>`. */
export const constraintClasses = new NamedClasses<typeof PenxConstraint>('penx.constraint.', PenxConstraint);
