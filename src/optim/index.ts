/** Optimisers and gradient transforms, Optax-style (see transform.ts). */
export { chain, identity, masked, mapTree, stateless, type GradientTransform, type State, type Tree } from './transform.ts';
export { clipByL1Norm, clipByNorm, clipByValue, fromFunction, scale, zero } from './clip.ts';
export { addDecayedWeights, scaleByAdadelta, scaleByAdam, scaleByRms, trace } from './scale-by.ts';
export { optimizerCatalog, optimizerSpec, type OptimizerEntry, type OptimizerName, type OptimizerSpec } from './optimizers.ts';
export {
  defineGradientTransform,
  gradientTransform,
  gradientTransformCatalog,
  type DefineGradientTransformOptions,
  type GradientFunction,
  type GradientTransformEntry,
} from './gradient-transforms.ts';
export { describeLayerControls, withLayerControls, type GradControl, type LayerControls, type LrMultControl } from './layer-controls.ts';
export { globToRegExp, matcher } from './names.ts';
export { TransformOptimizer, optimizerFor, weightNames } from './transform-optimizer.ts';
export { proximal, stepSizes, type ProxTerm, type ProxTerms } from './prox.ts';
export { proximalTerms, withProximal } from './prox-terms.ts';
export { probeTransform } from './gradient-transforms.ts';
