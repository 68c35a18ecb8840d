/**
 * penalty-explorer: weight penalties and constraints for TensorFlow.js, a training step that
 * really applies constraints, and the tools to see what they do to a network's weights.
 */
export { tf, type Tensor, type Scalar } from './tf.ts';
export { SpecError } from './spec/errors.ts';
export { parseSpec, splitSpecList, formatSpec, isModuleRef, type ParsedSpec } from './spec/parse.ts';
export { formatNumber, describeParams, type ParamDef, type ParamDefs, type ParamValues } from './spec/params.ts';

export { BUILTIN_PENALTIES, type BuiltinPenaltyName } from './penalties/builtins.ts';
export { DEFAULT_STRENGTH, lossFormula, penaltyValue, type PenaltyDefinition } from './penalties/definition.ts';
export { penaltyCatalog, definePenalty, type DefinePenaltyOptions } from './penalties/catalog.ts';
export { abs } from './penalties/ops.ts';
export { PenaltyRegularizer, regularizerClassName } from './penalties/regularizer.ts';
export { penalty, loadPenalty, probePenalty, type PenaltySpec } from './penalties/resolve.ts';

export { BUILTIN_CONSTRAINTS, EPSILON, normsAlong, type BuiltinConstraintName } from './constraints/builtins.ts';
export { type ConstraintDefinition } from './constraints/definition.ts';
export { constraintCatalog, defineConstraint, type DefineConstraintOptions } from './constraints/catalog.ts';
export { PenxConstraint } from './constraints/constraint.ts';
export { constraint, loadConstraint, probeConstraint } from './constraints/resolve.ts';

export { trainStep, applyConstraints, penaltyLoss, categoricalCrossentropy, crossEntropyFromLogits, type LossFn, type StepResult, type TrainStepOptions } from './training/step.ts';
export { saveModel, loadModel } from './io/model-folder.ts';
export * from './optim/index.ts';
export { selectBackend, currentBackend, BACKENDS, PARALLEL_MODES, type BackendChoice, type BackendInfo, type BackendOptions, type ParallelMode } from './backends/select.ts';
export { DataParallel, shardsOf, type DataParallelStepOptions } from './parallel/data-parallel.ts';
