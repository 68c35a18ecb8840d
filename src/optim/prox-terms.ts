/**
 * The proximal terms of a model: every weight whose regularizer is a penalty in proximal mode
 * (`l1:1e-4,prox`), by weight name, with its strength and operator — what `proximal` needs, and
 * what `fit` adds to the optimiser chain by itself. Weights and their regularizers are found as
 * everywhere else (model/inventory.ts): a recurrent layer's kernels too.
 */

import { SpecError } from '../errors.ts';
import { inventory } from '../model/index.ts';
import type { PenaltyRegularizer } from '../penalties/index.ts';
import { isProximal } from '../penalties/index.ts';
import type { tf } from '../tf.ts';
import { type ProxTerms, proximal } from './prox.ts';
import type { GradientTransform } from './transform.ts';

/** Weight name → strength and proximal operator, for every weight whose regularizer is proximal (wherever TF.js keeps it). */
export function proximalTerms(model: tf.LayersModel): ProxTerms {
  const terms: Record<string, ProxTerms[string]> = {};
  for (const w of inventory(model).weights) {
    if (!w.regularizer || !isProximal(w.regularizer)) continue;
    const reg = w.regularizer as PenaltyRegularizer;
    if (!w.trainable)
      throw new SpecError(`the proximal penalty ${reg.spec} on ${w.name} acts on a weight that is not trained; use the penalty without ,prox there`);
    if (!reg.definition.prox) continue;
    terms[w.name] = { strength: reg.strength, prox: (x, tau) => reg.prox(x, tau) };
  }
  return terms;
}

/**
 * `transform` followed by the proximal step of the model's proximal penalties (unchanged when it
 * has none).
 *
 * @example
 * const opt = optimizerFor(model, withProximal(model, optimizerSpec('sgd:lr=0.1').transform));
 */
export function withProximal(model: tf.LayersModel, transform: GradientTransform): GradientTransform {
  const terms = proximalTerms(model);
  return Object.keys(terms).length === 0 ? transform : proximal(transform, terms);
}
