/**
 * The optimiser `fit` trains with, from its `optimizer` option: a spec (`adamw:lr=1e-3`) or a
 * transform chain, wrapped in the per-layer controls and followed by the proximal step of penalties
 * in proximal mode; or a ready `tf.Optimizer`, taken as it is (then neither is possible: refused).
 *
 *   spec ─► transform ─► per-layer controls ─► proximal step ─► tf.Optimizer (fit's: disposed at the end)
 *
 * @example
 * optimizerLabel('adamw:wd=1e-4')   // 'adamw:lr=0.001,wd=1e-4,beta1=0.9,beta2=0.999,eps=1e-7': the normalised spec the record names
 */

import { UsageError } from '../errors.ts';
import { namesCounted } from '../model/index.ts';
import { optimizerFor, optimizerSpec, proximalTerms, weightNames, withLayerControls, withProximal } from '../optim/index.ts';
import { tf } from '../tf.ts';
import { DEFAULT_OPTIMIZER, type FitOptions } from './fit-options.ts';

/** True for a ready TF.js optimiser (TF.js's own `instanceof` throws on undefined). */
const isTfOptimizer = (o: unknown): o is tf.Optimizer => typeof o === 'object' && o !== null && o instanceof tf.Optimizer;

/** The optimiser fit trains with, and whether fit made it (and disposes it). */
export function optimizerOf(model: tf.LayersModel, options: FitOptions): { optimizer: tf.Optimizer; owned: boolean } {
  const o = options.optimizer ?? DEFAULT_OPTIMIZER;
  if (isTfOptimizer(o)) {
    if (options.controls)
      throw new UsageError('per-layer controls need an optimiser spec or transform, not a ready tf.Optimizer (its updates cannot be wrapped)');
    if (Object.keys(proximalTerms(model)).length > 0)
      throw new UsageError(
        'a penalty in proximal mode (,prox) needs an optimiser spec or transform, not a ready tf.Optimizer (the proximal step follows its update)',
      );
    return { optimizer: o, owned: false };
  }
  const transform = typeof o === 'string' ? optimizerSpec(o).transform : o;
  const chained = options.controls ? withLayerControls(transform, options.controls, weightNames(model), { counted: namesCounted(model) }) : transform;
  // Penalties in proximal mode: their proximal step after the update (src/optim/prox.ts).
  return { optimizer: optimizerFor(model, withProximal(model, chained)), owned: true };
}

/** The optimiser as the record names it: its normalised spec, `custom` for a transform, or a tf.Optimizer's class. */
export function optimizerLabel(o: FitOptions['optimizer']): string {
  if (isTfOptimizer(o)) return o.getClassName();
  return typeof o === 'object' ? 'custom' : optimizerSpec(o ?? DEFAULT_OPTIMIZER).spec;
}
