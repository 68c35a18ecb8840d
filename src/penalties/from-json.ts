/**
 * A regularizer again from its JSON, as a custom layer's constructor needs it: TF.js rebuilds a layer
 * from its JSON by passing the `{ className, config }` its `getConfig` returned for the regularizer
 * (`kernelRegularizer`), and has no public way to make a regularizer of it (its own layers use an
 * internal one).
 *
 *   { className, config } ─► the class TF.js registered under className (tf.serialization.registerClass)
 *   ─► its fromConfig(config) ─► a regularizer (TF.js's L1L2; this library's penx.<name>: λ·φ(w))
 */

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

/** tfjs-layers' Regularizer base class (not exported). */
const Regularizer = tfjsBaseClass(tf.regularizers.l1());

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
 * regularizerFromJson({ className: 'L1L2', config: { l1: 0.01, l2: 0 } }).apply(tf.tensor([1, -2]))   // 0.01·(1 + 2) = 0.03
 */
export function regularizerFromJson(json: RegularizerJson | LayerRegularizer | null | undefined): LayerRegularizer | undefined {
  if (json == null) return undefined;
  if (json instanceof Regularizer) return json as LayerRegularizer;
  const className = (json as { className?: unknown }).className;
  const config = (json as { config?: unknown }).config ?? {};
  if (typeof className !== 'string' || typeof config !== 'object' || Array.isArray(config))
    throw new UsageError(
      `a regularizer's JSON must be { className, config } (as a layer's getConfig gives it, e.g. { className: 'L1L2', config: { l1: 0.01, l2: 0 } }), not ${JSON.stringify(json)}`,
    );
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!registered) {
    const prefix = regularizerClasses.prefix;
    if (className.startsWith(prefix)) {
      const name = className.slice(prefix.length);
      throw new SpecError(
        `the penalty '${name}' (regularizer class ${className}) is not defined in this process; import its module (the one calling definePenalty({ name: '${name}', … })) first`,
      );
    }
    throw new UsageError(
      `no regularizer class ${className} is registered with TF.js: TF.js's own is L1L2 (tf.regularizers.l1, l2, l1l2), this library's are ${prefix}<name> (penalty(spec)); register a class of yours with tf.serialization.registerClass`,
    );
  }
  const [cls, fromConfig] = registered;
  const made: unknown = fromConfig(cls, config as tf.serialization.ConfigDict);
  if (!(made instanceof Regularizer))
    throw new UsageError(`class ${className} is registered with TF.js but is not a regularizer; a regularizer's JSON names a regularizer class, e.g. L1L2`);
  return made as LayerRegularizer;
}
