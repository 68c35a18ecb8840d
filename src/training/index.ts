/**
 * Training any `tf.LayersModel` with the project's step, and recording what its weights do:
 *
 *   trainStep (step.ts): loss + penalties (batch-math.ts, objective.ts, losses.ts) ─► gradients (a
 *   GradientStrategy: this thread, gradients.ts, or worker threads) ─► transforms ─► optimiser ─►
 *   constraints (constraints.ts); random ops seeded from (seed, epoch, batch) (seeded-random.ts)
 *   fit (fit.ts; its options and hooks: fit-options.ts): checks (fit-checks.ts; a record continued:
 *   fit-resume.ts) ─► data (fit-data.ts, fit-split.ts) ─► optimiser (fit-optimizer.ts) ─► epochs
 *   (fit-epoch.ts) of batches of trainStep (fit-batches.ts) ─► evaluate ─► monitors ─► run record
 *   (its config: fit-config.ts, run-config.ts) ─► callbacks (this library's, TF.js's: tfjs-callbacks.ts)
 *   recordWeights / enforceConstraints (callbacks.ts): the same record with TF.js's own model.fit (which
 *   weights a gradient reaches, one pass of the model: gradient-reach.ts)
 *   pruneCurve (prune-curve.ts): accuracy with the k % smallest |w| set to 0
 *   checkDifferentiable (differentiable.ts): what TF.js's autodiff cannot train, refused up front
 */

export {
  addScores,
  type Batch,
  type BatchGradients,
  type BatchScores,
  batchGradients,
  evaluateChunked,
  penaltyLoss,
  samplesOf,
  sliceBatch,
  trainableVariables,
} from './batch-math.ts';
export { checkModelFitPenalties, enforceConstraints, recordWeights, type WeightRecorder } from './callbacks.ts';
export { applyConstraints, checkConstraints, hasConstraints } from './constraints.ts';
export { checkDifferentiable } from './differentiable.ts';
export { DivergedError } from './diverged.ts';
export { evaluate } from './evaluate.ts';
export { checkFiniteWeights } from './finite-weights.ts';
export { type FitDone, fit, fitAfter } from './fit.ts';
export { checkGradientsOption, checkTrainable, withBatchSizeOf } from './fit-checks.ts';
export { runConfig, runConfigOfSizes } from './fit-config.ts';
export type { DatasetBatch, FitData, TensorData, Tensors, ValidationData } from './fit-data.ts';
export { type BatchProgress, FIT_OPTION_KEYS, type FitCallback, type FitContext, type FitOptions, type RunInfo, type TrainBegin } from './fit-options.ts';
export { softmaxOverLastAxis } from './forward.ts';
export { EVAL_CHUNK, type GradientStrategy, localGradients } from './gradients.ts';
export { isNamedLoss, LOSS_NAMES, type Loss, type LossFn, type LossName, type LossSpec, lossOf } from './losses.ts';
export { type LossOption, type Metric, type MetricFn, type MetricSpec, type MetricsOption, namedObjective, type Objective, objectiveOf } from './objective.ts';
export { checkOptionKeys } from './option-keys.ts';
export { penaltyParts, sumPartials } from './penalty-parts.ts';
export { checkPenaltyRange, checkUntrainedWeights, FLOAT32_MAX } from './penalty-range.ts';
export {
  type AccuracyDrop,
  accuracyDrops,
  checkLevels,
  type PruneCurveOptions,
  type PruneOptions,
  type PruneScope,
  prunableWeights,
  pruneCurve,
  pruneLevelWithin,
  pruneWeights,
} from './prune-curve.ts';
export { mulberry32, permutation } from './random.ts';
export { checkSameNorms, checkTrainsOn } from './resume-norms.ts';
export { checkSameNames, describeConstraint, describePenalty, modelInfo, penaltyFields, renamedWeights, weightDifferences, weightInfos } from './run-config.ts';
export { mixSeeds, withSeededRandom } from './seeded-random.ts';
export { type StepResult, type TrainStepOptions, trainStep } from './step.ts';
