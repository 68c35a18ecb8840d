/**
 * Optimisers and gradient transforms, Optax-style: a transform is `init(params) → state` and
 * `update(grads, state, params) → [updates, state]` over weights by name (transform.ts: chain, masked).
 *
 *   'adamw:lr=1e-3' ─► optimizerSpec (optimizers.ts) ─► chain(scaleByAdam, addDecayedWeights, scale(−lr))
 *     (scale-by.ts; one kernel per step where the backend has one: update-kernels.ts)
 *   ─► withLayerControls (layer-controls.ts; patterns: names.ts): grad transforms (clip.ts, by spec:
 *      gradient-transforms.ts) before it, learning-rate multipliers and freezes after it
 *   ─► withProximal (prox-terms.ts): the proximal step of `,prox` penalties after the update (prox.ts)
 *   ─► optimizerFor (transform-optimizer.ts): a tf.Optimizer, w ← w + u, its state saved and restored
 */

export { clipByGlobalNorm, clipByL1Norm, clipByNorm, clipByValue, fromFunction, scale, zero } from './clip.ts';
export {
  type DefineGradientTransformOptions,
  defineGradientTransform,
  type GradientFunction,
  type GradientTransformEntry,
  gradientTransform,
  gradientTransformCatalog,
  probeTransform,
} from './gradient-transforms.ts';
export { describeLayerControls, type GradControl, type LayerControls, type LrMultControl, type WeightNaming, withLayerControls } from './layer-controls.ts';
export { globToRegExp, matcher } from './names.ts';
export { type OptimizerEntry, type OptimizerName, type OptimizerSpec, optimizerCatalog, optimizerSpec } from './optimizers.ts';
export { type ProxTerm, type ProxTerms, proximal, stepSizes } from './prox.ts';
export { proximalTerms, withProximal } from './prox-terms.ts';
export { addDecayedWeights, scaleByAdadelta, scaleByAdam, scaleByRms, scaleByRss, trace } from './scale-by.ts';
export { chain, type GradientTransform, identity, mapTree, masked, type State, stateless, type Tree } from './transform.ts';
export { optimizerFor, TransformOptimizer, weightNames } from './transform-optimizer.ts';
export {
  ADADELTA_KERNEL,
  ADAM_KERNEL,
  type AdamStepOptions,
  adadeltaComposed,
  adadeltaStep,
  adamComposed,
  adamStep,
  RMS_KERNEL,
  rmsComposed,
  rmsStep,
} from './update-kernels.ts';
