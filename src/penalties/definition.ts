/**
 * What a penalty is: a pure function of one weight tensor, with named numeric parameters and no
 * strength inside (the strength λ is applied outside, by PenaltyRegularizer). `fn` returns either
 * φ(w) element-wise (a tensor of w's shape, which the library sums) or the whole-tensor value
 * (a scalar).
 */

import { SpecError } from '../errors.ts';
import type { CallCode, ParamDefs, ParamValues, PenaltyEntry, PenaltySignature } from '../registry/index.ts';
import { direct, penaltyEntry, stamped } from '../registry/index.ts';
import { type Scalar, type Tensor, tf } from '../tf.ts';

/** A penalty's function, φ, and its proximal operator when it has one: what it is beyond its signature. */
export interface PenaltyFunctions<P extends ParamValues = ParamValues> {
  /** φ(w) element-wise (summed by the library) or the whole-tensor value (a scalar). */
  readonly fn: (w: Tensor, params: P) => Tensor;
  /** Its proximal operator, when it has one (see `ProximalOperator`). */
  readonly prox?: ProximalOperator<P>;
}

/** A penalty as its definer writes it: its signature (formula, doc, parameters, optionally its default strength) and its functions. */
export interface PenaltyBody<D extends ParamDefs = ParamDefs> extends PenaltySignature, PenaltyFunctions<ParamValues<D>> {
  readonly params: D;
}

/**
 * The proximal operator of a penalty φ, element-wise: for each weight w with step τ ≥ 0,
 *
 *   prox(w, τ) = argmin_x ½(x − w)² + τ·φ(x)
 *
 * (τ is the strength λ times the step size that weight just took; a tensor of w's shape). L1's is
 * the soft threshold sign(w)·max(0, |w| − τ), which sets weights to exactly 0.
 *
 * @example
 * const l1Prox: ProximalOperator = (w, tau) => tf.mul(tf.sign(w), tf.relu(tf.sub(tf.abs(w), tau)));   // L1's, the soft threshold
 */
export type ProximalOperator<P extends ParamValues = ParamValues> = (w: Tensor, tau: Tensor, params: P) => Tensor;

/** A penalty in the catalogue: its entry (name, formula, doc, parameters, default strength) with φ and, if any, its proximal operator. */
export interface PenaltyDefinition extends PenaltyEntry {
  /** φ(w) element-wise or the whole-tensor value, without the strength. */
  readonly fn: (w: Tensor, params: ParamValues) => Tensor;
  /** The proximal operator, for penalties that have one (l1, l1l2, deadzone, user penalties that declare it). */
  readonly prox?: ProximalOperator;
}

/** A catalogue entry of a penalty from its body (default strength 1e-4 filled in: `penaltyEntry`), frozen and branded as a penalty definition. */
export function makePenaltyDefinition<D extends ParamDefs>(name: string, body: PenaltyBody<D>, builtin: boolean): PenaltyDefinition {
  return stamped('penalty', {
    ...penaltyEntry(name, { ...body, proximal: body.prox !== undefined }, builtin),
    fn: body.fn as PenaltyDefinition['fn'],
    ...(body.prox ? { prox: body.prox as ProximalOperator } : {}),
  });
}

/**
 * φ(w) as `fn` gives it (called by `run`: a user's through `runUserCode`), checked: a tensor of w's shape (the element-wise terms, which the library
 * sums) or a scalar (the whole-tensor value); a SpecError for anything else.
 *
 * @example
 * penaltyTerms(BUILTIN_PENALTIES.l1, tf.tensor([-2, 3]), {})   // [2, 3]
 */
export function penaltyTerms(def: PenaltyDefinition, w: Tensor, params: ParamValues, run: CallCode = direct): Tensor {
  const out = run(() => def.fn(w, params));
  if (!(out instanceof tf.Tensor)) {
    throw new SpecError(`penalty ${def.name} returned ${typeof out}, not a tensor; return a scalar or a tensor of the weights' shape`);
  }
  if (out.rank === 0 || (out.shape.length === w.shape.length && out.shape.every((d, i) => d === w.shape[i]))) return out;
  throw new SpecError(
    `penalty ${def.name} returned a tensor of shape [${out.shape}] for weights of shape [${w.shape}]; ` +
      `return a scalar or an element-wise tensor of the weights' shape`,
  );
}

/** `penaltyTerms`' result as the penalty: the element-wise terms summed, a scalar as it is. */
export function sumOfTerms(terms: Tensor): Scalar {
  return (terms.rank === 0 ? terms : tf.sum(terms)) as Scalar;
}

/** The unscaled penalty of `w`: `fn` evaluated, summed when element-wise; a scalar. */
export function penaltyValue(def: PenaltyDefinition, w: Tensor, params: ParamValues): Scalar {
  return tf.tidy(() => sumOfTerms(penaltyTerms(def, w, params)));
}

/**
 * The proximal operator's new weights, prox(w, τ) (called by `run`: a user's through `runUserCode`): a SpecError unless it is a tensor of w's shape
 * (a scalar would be broadcast over every weight).
 */
export function proxValue(def: PenaltyDefinition, w: Tensor, tau: Tensor, params: ParamValues, run: CallCode = direct): Tensor {
  const prox = def.prox;
  if (!prox) throw new SpecError(`penalty ${def.name} has no proximal operator`);
  const out = run(() => prox(w, tau, params));
  if (!(out instanceof tf.Tensor) || out.shape.length !== w.shape.length || out.shape.some((d, i) => d !== w.shape[i])) {
    const got = out instanceof tf.Tensor ? `a tensor of shape [${out.shape}]` : typeof out;
    throw new SpecError(
      `the proximal operator of penalty ${def.name} returned ${got} for weights of shape [${w.shape}]; it must return the new weights, of their shape`,
    );
  }
  return out;
}
