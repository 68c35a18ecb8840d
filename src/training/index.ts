/**
 * Training any `tf.LayersModel` with the project's step, and recording what its weights do:
 *
 *   trainStep (step.ts): loss + penalties (batch-math.ts, objective.ts, losses.ts) ─► gradients (a
 *   GradientStrategy: this thread, gradients.ts, or worker threads) ─► transforms ─► optimiser ─►
 *   constraints (constraints.ts); random ops seeded from (seed, epoch, batch) (seeded-random.ts)
 *   fit (fit.ts): data (fit-data.ts) ─► epochs of trainStep ─► evaluate ─► monitors ─► run record
 *   (its config: run-config.ts) ─► callbacks (this library's, TF.js's: tfjs-callbacks.ts)
 *   recordWeights / enforceConstraints (callbacks.ts): the same record with TF.js's own model.fit
 *   pruneCurve (prune-curve.ts): accuracy with the k % smallest |w| set to 0
 */
export { applyConstraints, checkConstraints, hasConstraints } from './constraints.ts';
export { DivergedError } from './diverged.ts';
export { type DatasetBatch, type FitData, type TensorData, type Tensors, type ValidationData } from './fit-data.ts';
export { fit, FIT_OPTION_KEYS, runConfig, type BatchProgress, type FitCallback, type FitContext, type FitOptions, type RunInfo, type TrainBegin } from './fit.ts';
export { checkOptionKeys } from './option-keys.ts';
export { trainStep, type StepResult, type TrainStepOptions } from './step.ts';
export {
  addScores,
  batchGradients,
  evaluateChunked,
  penaltyLoss,
  samplesOf,
  sliceBatch,
  trainableVariables,
  type Batch,
  type BatchGradients,
  type BatchScores,
} from './batch-math.ts';
export { isNamedLoss, LOSS_NAMES, lossOf, type Loss, type LossFn, type LossName, type LossSpec } from './losses.ts';
export { namedObjective, objectiveOf, type LossOption, type Metric, type MetricFn, type MetricsOption, type MetricSpec, type Objective } from './objective.ts';
export { EVAL_CHUNK, localGradients, type GradientStrategy } from './gradients.ts';
export { evaluate } from './evaluate.ts';
export { checkModelFitPenalties, enforceConstraints, recordWeights, type WeightRecorder } from './callbacks.ts';
export { mulberry32, permutation } from './random.ts';
export { mixSeeds, withSeededRandom } from './seeded-random.ts';
export { checkLevels, prunableWeights, pruneCurve, pruneLevelWithin, pruneWeights, type PruneCurveOptions, type PruneOptions, type PruneScope } from './prune-curve.ts';
export { describeConstraint, describePenalty, modelInfo, penaltyFields, weightInfos } from './run-config.ts';
