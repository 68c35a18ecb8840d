/**
 * A penalty bound to a strength and parameter values, as a TensorFlow.js regularizer:
 *
 *   apply(w) = λ · penalty(w; params)
 *
 * It plugs into any layer's `kernelRegularizer`/`biasRegularizer`, and serialises with the model:
 * each penalty name gets its own class, registered with TF.js as `penx.<name>`, whose config is
 * `{ strength, ...params }`.
 *
 * @example
 * tf.layers.dense({ units: 10, kernelRegularizer: penalty('deadzone:1e-4,a=0.25') });
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { formatNumber, pickParams, type ParamValues } from '../spec/params.ts';
import { formatSpec } from '../spec/parse.ts';
import { NamedClasses, tfjsBaseClass } from '../spec/tfjs-classes.ts';
import { penaltyValue, type PenaltyDefinition } from './definition.ts';

/** tfjs-layers' Regularizer base class (not exported; `getRegularizer` checks `instanceof` it). */
const Regularizer = tfjsBaseClass(tf.regularizers.l1());

export class PenaltyRegularizer extends Regularizer {
  static className = 'penx.Penalty';

  constructor(
    readonly definition: PenaltyDefinition,
    readonly strength: number,
    readonly params: ParamValues,
  ) {
    super();
    if (!Number.isFinite(strength) || strength < 0) {
      throw new SpecError(`strength of penalty ${definition.name} must be a finite number ≥ 0, got ${formatNumber(strength)}`);
    }
  }

  /** λ · penalty(w): the term added to the training loss. */
  apply(w: Tensor): Scalar {
    return tf.tidy(() => tf.mul(this.strength, this.value(w)));
  }

  /** The penalty of w without the strength. */
  value(w: Tensor): Scalar {
    return penaltyValue(this.definition, w, this.params);
  }

  /** Normalised spec text, e.g. `deadzone:1e-4,a=0.25`; used in legends and run records. */
  get spec(): string {
    return formatSpec(this.definition.name, this.definition.takesStrength ? this.strength : undefined, this.params);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength, ...this.params };
  }
}

const classes = new NamedClasses<typeof PenaltyRegularizer>('penx.');

/** The TF.js class name a penalty serialises under. */
export function regularizerClassName(penaltyName: string): string {
  return `${classes.prefix}${penaltyName}`;
}

/**
 * Register the TF.js class for a penalty name (idempotent). `lookup` finds the current definition
 * when a saved model is deserialised.
 */
export function registerRegularizerClass(name: string, lookup: () => PenaltyDefinition): typeof PenaltyRegularizer {
  return classes.register(
    name,
    (className) =>
      class extends PenaltyRegularizer {
        static override className = className;
        static fromConfig<T extends tf.serialization.Serializable>(
          ctor: tf.serialization.SerializableConstructor<T>,
          config: tf.serialization.ConfigDict,
        ): T {
          const def = lookup();
          const strength = typeof config['strength'] === 'number' ? config['strength'] : def.defaultStrength;
          return new (ctor as unknown as new (d: PenaltyDefinition, s: number, p: ParamValues) => T)(def, strength, pickParams(def.params, config));
        }
      },
  );
}

/** A regularizer of the registered class for `definition`. */
export function createRegularizer(definition: PenaltyDefinition, strength: number, params: ParamValues): PenaltyRegularizer {
  return new (classes.get(definition.name))(definition, strength, params);
}
