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

import { NamedClasses, tfjsBaseClass } from '../model/index.ts';
import type { Binding, ParamValues } from '../registry/index.ts';
import { type CallCode, direct, runUserCode } from '../registry/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';
import { type PenaltyDefinition, penaltyTerms, proxValue, sumOfTerms } from './definition.ts';

/** tfjs-layers' Regularizer base class (not exported; `getRegularizer` checks `instanceof` it). */
const Regularizer = tfjsBaseClass(tf.regularizers.l1());

/**
 * A penalty with its strength λ and parameters, as a TF.js regularizer (see the file's comment);
 * made by `penalty(spec)`.
 *
 * Formula: apply(w) = λ · value(w),  value(w) = Σ φ(w) (the penalty without λ)
 *
 * @example
 * penalty('l2:0.5').apply(tf.tensor([1, -2]));   // 0.5 · (1 + 4) = 2.5
 */
export class PenaltyRegularizer extends Regularizer {
  static className = 'penx.Penalty';
  readonly definition: PenaltyDefinition;
  /** λ: 0 for a penalty that takes none. */
  readonly strength: number;
  readonly params: ParamValues;
  /** Normalised spec text, e.g. `deadzone:1e-4,a=0.25`; used in legends and run records. */
  readonly spec: string;

  constructor(binding: Binding<PenaltyDefinition>) {
    super();
    this.definition = binding.entry;
    this.strength = binding.positional ?? 0;
    this.params = binding.params;
    this.spec = binding.spec;
  }

  /** λ · penalty(w): the term added to the training loss. */
  apply(w: Tensor): Scalar {
    return tf.tidy(() => tf.mul(this.strength, this.value(w)));
  }

  /** The penalty of w without the strength (a user's penalty called through `runUserCode`). */
  value(w: Tensor): Scalar {
    return tf.tidy(() => sumOfTerms(this.terms(w)));
  }

  /**
   * φ(w) without the strength, as the penalty gives it (`penaltyTerms`): the element-wise terms
   * (w's shape) that `value` sums, or the whole value (a scalar); a user's called through `runUserCode`.
   */
  terms(w: Tensor): Tensor {
    return penaltyTerms(this.definition, w, this.params, this.code('penalty'));
  }

  /**
   * Its proximal operator's new weights prox(w, τ) (τ: a tensor of w's shape); a user's called
   * through `runUserCode`, its result checked to be of w's shape. A SpecError for a penalty without one.
   */
  prox(w: Tensor, tau: Tensor): Tensor {
    return proxValue(this.definition, w, tau, this.params, this.code('proximal operator of penalty'));
  }

  /** How its definition's functions are called: a built-in's directly, a user's through `runUserCode`, named `${what} ${spec}`. */
  private code(what: string): CallCode {
    const def = this.definition;
    return def.builtin ? direct : (call) => runUserCode(def, (from) => `${what} ${this.spec}${from}`, call);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { strength: this.strength, ...this.params };
  }
}

/** True for this library's regularizers, also when made by another copy of the package (its CommonJS build). */
export const isPenalty = (r: unknown): r is PenaltyRegularizer =>
  r instanceof PenaltyRegularizer ||
  (typeof r === 'object' && r !== null && 'definition' in r && typeof (r as { spec?: unknown }).spec === 'string' && 'strength' in r);

/** One TF.js class per penalty name, `penx.<name>`, rebuilt through `fromConfig` when a model loads. */
export const regularizerClasses = new NamedClasses<typeof PenaltyRegularizer>('penx.', PenaltyRegularizer);

/** The TF.js class name a penalty serialises under. */
export function regularizerClassName(penaltyName: string): string {
  return `${regularizerClasses.prefix}${penaltyName}`;
}
