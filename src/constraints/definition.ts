/**
 * What a constraint is: a pure function of one weight tensor returning a tensor of the same
 * shape, applied to the weight after every optimiser update (Keras semantics).
 */

import { SpecError } from '../errors.ts';
import type { ConstraintSignature, ParamDefs, ParamValues } from '../registry/index.ts';
import { type CallCode, type CatalogEntry, direct, stamped } from '../registry/index.ts';
import { type Tensor, tf } from '../tf.ts';

/** A constraint as its definer writes it: its signature (formula, doc, parameters, an optional check across them) and its function. */
export interface ConstraintBody<D extends ParamDefs = ParamDefs> extends ConstraintSignature<D> {
  /** The projected weight; same shape as w. */
  readonly fn: (w: Tensor, params: ParamValues<D>) => Tensor;
}

/** A constraint in the catalogue: its entry (name, formula, doc, parameters) with its function and check. */
export interface ConstraintDefinition extends CatalogEntry {
  readonly fn: (w: Tensor, params: ParamValues) => Tensor;
  readonly check: (params: ParamValues) => string | undefined;
}

/** A catalogue entry of a constraint from its body, frozen and branded as a constraint definition. */
export function makeConstraintDefinition<D extends ParamDefs>(name: string, body: ConstraintBody<D>, builtin: boolean): ConstraintDefinition {
  const check = (body.check ?? (() => undefined)) as ConstraintDefinition['check'];
  return stamped('constraint', {
    name,
    builtin,
    formula: body.formula,
    doc: body.doc,
    params: body.params,
    fn: body.fn as ConstraintDefinition['fn'],
    check,
  });
}

/** The constrained weight (the function called by `run`: a user's through `runUserCode`); a SpecError if the function changes the shape. */
export function constrainedValue(def: ConstraintDefinition, w: Tensor, params: ParamValues, run: CallCode = direct): Tensor {
  return tf.tidy(() => {
    const out = run(() => def.fn(w, params));
    if (!(out instanceof tf.Tensor) || out.shape.length !== w.shape.length || out.shape.some((d, i) => d !== w.shape[i])) {
      const got = out instanceof tf.Tensor ? `shape [${out.shape}]` : typeof out;
      throw new SpecError(`constraint ${def.name} returned ${got} for weights of shape [${w.shape}]; it must return a tensor of the same shape`);
    }
    return out;
  });
}
