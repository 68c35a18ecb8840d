/**
 * penalty-explorer: weight penalties and constraints for TensorFlow.js, a training step and `fit`
 * that really apply constraints, and monitors that record what the weights do, for any model.
 * Browser-safe: Node-only parts (backends, worker threads, files, user modules) are in
 * `penalty-explorer/node`; figures and the report page model in `penalty-explorer/viz`.
 *
 *   data ─► model ─► trainStep (loss + penalties ─► gradients ─► transforms ─► optimiser ─► constraints)
 *        ─► monitors (snapshotWeights) ─► run record ─► figures / report
 */
export { tf, type Tensor, type Scalar } from './tf.ts';

// Specs and the one catalogue mechanism behind penalties, constraints, optimisers and gradient transforms.
export { InterruptedError, SpecError } from './spec/errors.ts';
export { UserCodeError } from './spec/user-code.ts';
export { parseSpec, splitSpecList, formatSpec, isModuleRef, PROX_FLAG, type ParsedSpec } from './spec/parse.ts';
export { formatNumber, describeParams, parseNumber, checkParam, type ParamDef, type ParamDefs, type ParamValues } from './spec/params.ts';
export { Catalog, type Binding, type CatalogEntry, type Kind, type SpecObject } from './spec/catalog.ts';

// Penalties.
export { BUILTIN_PENALTIES, type BuiltinPenaltyName } from './penalties/builtins.ts';
export { DEFAULT_STRENGTH, lossFormula, penaltyValue, type PenaltyDefinition } from './penalties/definition.ts';
export { penaltyCatalog, definePenalty, penalty, type DefinePenaltyOptions, type PenaltySpec } from './penalties/catalog.ts';
export { probePenalty } from './penalties/probe.ts';
export { abs } from './penalties/ops.ts';
export { PenaltyRegularizer, regularizerClassName } from './penalties/regularizer.ts';
export { attachToKernels, type KernelControls } from './penalties/attach.ts';
export { proximalPenalty, isProximal, splitProxFlag } from './penalties/proximal.ts';
export { softThreshold, elasticNetProx, deadZoneProx } from './penalties/prox-ops.ts';
export { type ProximalOperator } from './penalties/definition.ts';

// Constraints.
export { BUILTIN_CONSTRAINTS, EPSILON, normsAlong, type BuiltinConstraintName } from './constraints/builtins.ts';
export { type ConstraintDefinition } from './constraints/definition.ts';
export { constraintCatalog, defineConstraint, constraint, type DefineConstraintOptions } from './constraints/catalog.ts';
export { probeConstraint } from './constraints/probe.ts';
export { PenxConstraint } from './constraints/constraint.ts';

// Optimisers and gradient transforms (Optax-style).
export * from './optim/index.ts';

// Training: the step, losses, gradient strategies, fit, callbacks for TF.js's own model.fit.
export { trainStep, type StepResult, type TrainStepOptions } from './training/step.ts';
export { applyConstraints, checkConstraints, hasConstraints } from './training/constraints.ts';
export { penaltyLoss, type Batch, type BatchGradients, type BatchScores } from './training/batch-math.ts';
export { lossOf, isNamedLoss, LOSS_NAMES, type Loss, type LossFn, type LossName, type LossSpec } from './training/losses.ts';
export { objectiveOf, type LossOption, type Metric, type MetricFn, type MetricSpec, type MetricsOption, type Objective } from './training/objective.ts';
export { localGradients, EVAL_CHUNK, type GradientStrategy } from './training/gradients.ts';
export { evaluate } from './training/evaluate.ts';
export { fit, runConfig, FIT_OPTION_KEYS, type BatchProgress, type FitCallback, type FitContext, type FitOptions, type RunInfo, type TrainBegin } from './training/fit.ts';
export { type DatasetBatch, type FitData, type TensorData, type Tensors, type ValidationData } from './training/fit-data.ts';
export { DivergedError } from './training/diverged.ts';
export { checkModelFitPenalties, enforceConstraints, recordWeights, type WeightRecorder } from './training/callbacks.ts';
export { mulberry32, permutation } from './training/random.ts';
export { withSeededRandom, mixSeeds } from './training/seeded-random.ts';

// What a model holds: every weight with its layer, trainability, penalty and constraint, wherever TF.js keeps them.
export { inventory, checkInventory, type Inventory, type LayerEntry, type WeightEntry } from './model/inventory.ts';
export { pruneCurve, pruneWeights, checkLevels, prunableWeights, type PruneCurveOptions, type PruneOptions, type PruneScope } from './training/prune-curve.ts';

// Monitors: what the weights look like.
export { snapshotWeights, weightKind, type Scores } from './monitor/snapshot.ts';
export { histogram, sparsity, HIST_BINS, HIST_LO, HIST_HI } from './monitor/stats.ts';
export { batchNorms, channelNorms, kernelOf, normsOfValues } from './monitor/norms.ts';
export { PRUNE_LEVELS, pruneSmallest, prunedCount, sortedMagnitudes, zeroShare } from './monitor/prune.ts';
export { bestEncoding, decodeSparse, encodeSparse, encodingSizes, indexBytes, matrixShape, sizeOf, SPARSE_FORMAT, type NamedWeights, type SizeOf, type SparseEncoding, type SparseEntry, type SparseIndex } from './io/sparse.ts';

// The run record.
export * from './record/schema.ts';
export { readRunRecord, RecordFormatError, schemaProblems } from './record/read.ts';
export { runRecordSchema, penaltyCurveSchema } from './record/run-schema.ts';
export { samplePenaltyCurve, STORED_CURVE } from './penalties/curve.ts';
export { describeConstraint, describePenalty, modelInfo, penaltyFields, weightInfos } from './record/config.ts';
