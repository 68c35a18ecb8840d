/**
 * A constraint bound to parameter values, as a TensorFlow.js constraint: `apply(w)` returns the
 * projected weight. It plugs into any layer's `kernelConstraint`/`biasConstraint` and serialises
 * with the model as class `penx.constraint.<name>` with the parameters as config. TF.js's own
 * `fit` ignores it; `trainStep` applies it after every update.
 *
 * @example
 * tf.layers.dense({ units: 10, kernelConstraint: constraint('maxnorm:m=2') });
 */
import { tf, type Tensor } from '../tf.ts';
import { pickParams, type ParamValues } from '../spec/params.ts';
import { formatSpec } from '../spec/parse.ts';
import { NamedClasses, tfjsBaseClass } from '../spec/tfjs-classes.ts';
import { constrainedValue, type ConstraintDefinition } from './definition.ts';

/** tfjs-layers' Constraint base class (not exported; `getConstraint` checks `instanceof` it). */
const Constraint = tfjsBaseClass(tf.constraints.nonNeg());

export class PenxConstraint extends Constraint {
  static className = 'penx.Constraint';

  constructor(
    readonly definition: ConstraintDefinition,
    readonly params: ParamValues,
  ) {
    super();
  }

  apply(w: Tensor): Tensor {
    return constrainedValue(this.definition, w, this.params);
  }

  /** Normalised spec text, e.g. `maxnorm:m=2,axis=0`. */
  get spec(): string {
    return formatSpec(this.definition.name, undefined, this.params);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.params };
  }
}

const classes = new NamedClasses<typeof PenxConstraint>('penx.constraint.');

/** Register the TF.js class for a constraint name (idempotent); `lookup` finds its current definition. */
export function registerConstraintClass(name: string, lookup: () => ConstraintDefinition): typeof PenxConstraint {
  return classes.register(
    name,
    (className) =>
      class extends PenxConstraint {
        static override className = className;
        static fromConfig<T extends tf.serialization.Serializable>(
          ctor: tf.serialization.SerializableConstructor<T>,
          config: tf.serialization.ConfigDict,
        ): T {
          const def = lookup();
          return new (ctor as unknown as new (d: ConstraintDefinition, p: ParamValues) => T)(def, pickParams(def.params, config));
        }
      },
  );
}

export function createConstraint(definition: ConstraintDefinition, params: ParamValues): PenxConstraint {
  return new (classes.get(definition.name))(definition, params);
}
