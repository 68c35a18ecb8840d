/**
 * A regularizer or constraint again from its JSON, as a custom layer's constructor needs it: TF.js
 * rebuilds a layer from its JSON by passing the `{ className, config }` its `getConfig` returned for
 * the regularizer (`kernelRegularizer`) or constraint (`kernelConstraint`), and has no public way to
 * make one of it (its own layers use an internal one).
 *
 *   { className, config } ─► the class TF.js registered under className (tf.serialization.registerClass)
 *   ─► its fromConfig(config) ─► a regularizer (TF.js's L1L2; this library's penx.<name>: λ·φ(w))
 *                                or a constraint (TF.js's MaxNorm, …; this library's penx.constraint.<name>)
 */

import { constraintClasses } from '../constraints/index.ts';
import { SpecError, UsageError } from '../errors.ts';
import { tfjsBaseClass } from '../model/index.ts';
import { tf } from '../tf.ts';
import { regularizerClasses } from './regularizer.ts';

/** A regularizer as layers take it (`addWeight`'s, `kernelRegularizer`'s type: tfjs-layers does not export its class). */
export type LayerRegularizer = NonNullable<Parameters<tf.layers.Layer['addWeight']>[4]>;

/** A regularizer's JSON: what `getConfig` returns for it in a layer's config, `{ className: 'L1L2', config: { l1: 0.01, l2: 0 } }`. */
export interface RegularizerJson {
  readonly className: string;
  readonly config: tf.serialization.ConfigDict;
}

/** A constraint as layers take it (`addWeight`'s, `kernelConstraint`'s type: tfjs-layers does not export its class). */
export type LayerConstraint = NonNullable<Parameters<tf.layers.Layer['addWeight']>[6]>;

/** A constraint's JSON: what `getConfig` returns for it in a layer's config, `{ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } }`. */
export type ConstraintJson = RegularizerJson;

/** tfjs-layers' Regularizer and Constraint base classes (not exported). */
const Regularizer = tfjsBaseClass(tf.regularizers.l1());
const Constraint = tfjsBaseClass(tf.constraints.nonNeg());

/** What fromJson needs of a kind: its base class, this library's class prefix, how its entries are defined, TF.js's own classes. */
interface Kind {
  readonly what: 'regularizer' | 'constraint';
  readonly base: abstract new (...args: never[]) => unknown;
  readonly prefix: string;
  readonly entry: 'penalty' | 'constraint';
  readonly define: 'definePenalty' | 'defineConstraint';
  readonly tfjs: string;
  readonly example: string;
}

const REGULARIZER: Kind = {
  what: 'regularizer',
  base: Regularizer,
  prefix: regularizerClasses.prefix,
  entry: 'penalty',
  define: 'definePenalty',
  tfjs: "TF.js's own is L1L2 (tf.regularizers.l1, l2, l1l2)",
  example: "{ className: 'L1L2', config: { l1: 0.01, l2: 0 } }",
};

const CONSTRAINT: Kind = {
  what: 'constraint',
  base: Constraint,
  prefix: constraintClasses.prefix,
  entry: 'constraint',
  define: 'defineConstraint',
  tfjs: "TF.js's own are MaxNorm, MinMaxNorm, NonNeg, UnitNorm (tf.constraints.maxNorm, …)",
  example: "{ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } }",
};

/** The object of kind `k` that `json` describes (see regularizerFromJson). */
function fromJson(k: Kind, json: unknown): unknown {
  if (json == null) return undefined;
  if (json instanceof k.base) return json;
  const className = (json as { className?: unknown }).className;
  const config = (json as { config?: unknown }).config ?? {};
  if (typeof className !== 'string' || typeof config !== 'object' || Array.isArray(config))
    throw new UsageError(`a ${k.what}'s JSON must be { className, config } (as a layer's getConfig gives it, e.g. ${k.example}), not ${JSON.stringify(json)}`);
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!registered) {
    if (className.startsWith(k.prefix)) {
      const name = className.slice(k.prefix.length);
      throw new SpecError(
        `the ${k.entry} '${name}' (${k.what} class ${className}) is not defined in this process; import its module (the one calling ${k.define}({ name: '${name}', … })) first`,
      );
    }
    throw new UsageError(
      `no ${k.what} class ${className} is registered with TF.js: ${k.tfjs}, this library's are ${k.prefix}<name> (${k.entry}(spec)); register a class of yours with tf.serialization.registerClass`,
    );
  }
  const [cls, make] = registered;
  const made: unknown = make(cls, config as tf.serialization.ConfigDict);
  if (!(made instanceof k.base))
    throw new UsageError(
      `class ${className} is registered with TF.js but is not a ${k.what}; a ${k.what}'s JSON names a ${k.what} class, e.g. ${k.example.split("'")[1]}`,
    );
  return made;
}

/**
 * The regularizer `json` describes (`{ className, config }`, as a layer's config holds it and TF.js
 * passes it back to the layer's constructor), made by the class TF.js registered under its className,
 * as TF.js's own layers make theirs: TF.js's `L1L2` (`tf.regularizers.l1`, `l2`, `l1l2`), this
 * library's penalties (`penx.<name>`, a user's `definePenalty` once its module is imported), any
 * registered class of yours. A regularizer given is returned as it is; null or undefined: undefined
 * (no penalty). Its value is the original's: for `penx.l1` with strength λ, apply(w) = λ·Σ|w|.
 *
 * Throws a SpecError for a `penx.<name>` not defined in this process (naming the module to import), and
 * a UsageError for any other className TF.js does not know, or one whose class is not a regularizer.
 *
 * @example
 * // In a custom layer's constructor, taking kernelRegularizer as TF.js's layers do (its getConfig
 * // returns it as { className: r.getClassName(), config: r.getConfig() }):
 * this.kernelRegularizer = regularizerFromJson(args.kernelRegularizer);
 * regularizerFromJson({ className: 'L1L2', config: { l1: 0.01, l2: 0 } })?.apply(tf.tensor([1, -2]))   // 0.01·(1 + 2) = 0.03
 */
export function regularizerFromJson(json: RegularizerJson | LayerRegularizer | null | undefined): LayerRegularizer | undefined {
  return fromJson(REGULARIZER, json) as LayerRegularizer | undefined;
}

/**
 * The constraint `json` describes (`{ className, config }`, as a layer's config holds it and TF.js
 * passes it back to the layer's constructor), made by the class TF.js registered under its className,
 * as TF.js's own layers make theirs: TF.js's `MaxNorm`, `MinMaxNorm`, `NonNeg`, `UnitNorm`, this
 * library's constraints (`penx.constraint.<name>`, a user's `defineConstraint` once its module is
 * imported), any registered class of yours. A constraint given is returned as it is; null or
 * undefined: undefined (no constraint). It projects as the original: for `penx.constraint.nonneg`,
 * apply(w) = max(w, 0).
 *
 * Throws a SpecError for a `penx.constraint.<name>` not defined in this process (naming the module to
 * import), and a UsageError for any other className TF.js does not know, or one whose class is not a
 * constraint.
 *
 * @example
 * // In a custom layer's constructor, as for its regularizer:
 * this.kernelConstraint = constraintFromJson(args.kernelConstraint);
 * constraintFromJson({ className: 'NonNeg', config: {} })?.apply(tf.tensor([1, -2]))   // [1, 0]
 */
export function constraintFromJson(json: ConstraintJson | LayerConstraint | null | undefined): LayerConstraint | undefined {
  return fromJson(CONSTRAINT, json) as LayerConstraint | undefined;
}
