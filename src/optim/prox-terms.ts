/**
 * The proximal terms of a model: every weight whose layer regularizer is a penalty in proximal
 * mode (`l1:1e-4,prox`), by weight name, with its strength and operator — what `proximal` needs,
 * and what `fit` adds to the optimiser chain by itself.
 *
 *   layer.kernelRegularizer (proximal) ─► `<layer>/kernel`   biasRegularizer ─► `<layer>/bias`, …
 */
import { isProximal } from '../penalties/proximal.ts';
import type { PenaltyRegularizer } from '../penalties/regularizer.ts';
import { SpecError } from '../spec/errors.ts';
import type { tf } from '../tf.ts';
import { proximal, type ProxTerms } from './prox.ts';
import type { GradientTransform } from './transform.ts';

/** A layer's `<x>Regularizer` attribute → the weight it regularises, by the end of its name. */
const WEIGHT_OF: Readonly<Record<string, string>> = {
  kernel: 'kernel',
  bias: 'bias',
  depthwise: 'depthwise_kernel',
  pointwise: 'pointwise_kernel',
  recurrent: 'recurrent_kernel',
  embeddings: 'embeddings',
  gamma: 'gamma',
  beta: 'beta',
};

/** Weight name → strength and proximal operator, for every weight whose regularizer is proximal. */
export function proximalTerms(model: tf.LayersModel): ProxTerms {
  const terms: Record<string, ProxTerms[string]> = {};
  for (const layer of model.layers) {
    for (const [key, value] of Object.entries(layer)) {
      const m = /^(\w+)Regularizer$/.exec(key);
      if (!m || !isProximal(value)) continue;
      const reg = value as PenaltyRegularizer;
      const suffix = WEIGHT_OF[m[1] as string];
      const weight = suffix === undefined ? undefined : layer.trainableWeights.find((w) => w.originalName.endsWith(`/${suffix}`));
      if (!weight) throw new SpecError(`layer ${layer.name}: the proximal penalty ${reg.spec} on its ${key} regularises no trainable weight this library can name; use the penalty without ,prox there`);
      const prox = reg.definition.prox;
      if (!prox) continue;
      terms[weight.originalName] = { strength: reg.strength, prox: (w, tau) => prox(w, tau, reg.params) };
    }
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
