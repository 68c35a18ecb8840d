/**
 * Training any `tf.LayersModel` with the project's step, and recording what its weights do:
 *
 *   checks (option keys, data shapes against the model, loss and metrics per output, every
 *   penalty attributable and within float32's range at the untrained weights, constraints, random layers seedable) ─► optimiser (spec, transform chain
 *   or tf.Optimizer, default Adam, with per-layer controls)
 *   ─► onTrainBegin ─► epoch 0: evaluate + weight snapshot of the untrained model ─► onEpochEnd(0)
 *   ─► for each epoch: onEpochBegin ─► batches (seeded order) ─► trainStep (loss + penalties ─►
 *      gradients ─► transforms ─► optimiser ─► constraints; random ops seeded from (seed, epoch,
 *      batch)) ─► onBatchEnd ─► NaN/∞ stops the run ─► evaluate ─► snapshot (histograms, sparsity,
 *      per layer and weight, penalties, channel norms; a NaN/∞ weight stops the run) ─► record
 *      ─► TF.js's callbacks' onEpochEnd ─► onEpochEnd (this library's) ─► a callback may stop
 *      training (TF.js's `model.stopTraining`: the record ends there, `endedEarly`, that epoch's
 *      prune curve then as the last epoch's; stopped by one of TF.js's, this library's callbacks
 *      get that ended record in their onEpochEnd)
 *   ─► onTrainEnd
 *   `signal` aborted ─► InterruptedError at the next safe point: after the current batch, a prune
 *   evaluation or the epoch's callbacks (never between a step's parts); the prune curve of a run a
 *   callback ended is measured to the end (the run ends there anyway: fit returns its record)
 *
 * Callbacks are this library's (`FitCallback`: they get the record) or TF.js's own
 * (`tf.callbacks.earlyStopping`, any `tf.CustomCallback`: they get TF.js's `logs`, `loss`, `acc`,
 * `val_loss`, `val_acc`, …, with TF.js's 0-based epoch numbers).
 *
 * Returns the run record (the schema of `run.json`). Continuing a record (`from`) starts after its
 * last epoch; with the restored weights and optimiser state (see penalty-explorer/node's run
 * folders) the run ends with the same weights as an uninterrupted one.
 *
 * @example
 * const record = await fit(model, { x, y }, {
 *   epochs: 5, batchSize: 64, optimizer: 'adamw:lr=1e-3,wd=1e-4', loss: 'sparseCategoricalCrossentropy',
 *   validationData: [xTest, yTest],
 * });
 * record.epochs.at(-1)?.sparsity.lt1e3;   // share of |w| < 1e-3 after the last epoch
 */

import { DataError, InterruptedError, NonFiniteWeightsError, UsageError } from '../errors.ts';
import { type EpochRecord, RUN_FORMAT, type RunConfig, type RunRecord, type WeightsSnapshot } from '../formats/index.ts';
import { checkReadBack, useTrainingKernels } from '../kernels/index.ts';
import { checkInventory } from '../model/index.ts';
import {
  checkMonitors,
  defaultMonitors,
  type Monitor,
  type MonitorContext,
  type MonitoredFields,
  MonitorRun,
  monitorInfos,
  type Predictions,
  type Scores,
} from '../monitor/index.ts';
import {
  describeLayerControls,
  type GradientTransform,
  type LayerControls,
  optimizerFor,
  optimizerSpec,
  proximalTerms,
  weightNames,
  withLayerControls,
  withProximal,
} from '../optim/index.ts';
import { tf } from '../tf.ts';
import { addScores, type Batch, type BatchScores, sliceBatch } from './batch-math.ts';
import { checkConstraints, hasConstraints } from './constraints.ts';
import { checkDifferentiable } from './differentiable.ts';
import { DivergedError, lossDiverged } from './diverged.ts';
import { evaluate, metricNames, metricsOf, orNull } from './evaluate.ts';
import {
  checkTensorData,
  type DatasetBatch,
  datasetBatches,
  datasetBatchSize,
  type FitData,
  isTensorData,
  type TensorData,
  tensorBatches,
  tensorsOf,
  type ValidationData,
  validationOf,
} from './fit-data.ts';
import { type GradientStrategy, localGradients } from './gradients.ts';
import { checkModelArgument } from './model-argument.ts';
import { type LossOption, type MetricsOption, type Objective, objectiveOf } from './objective.ts';
import { checkOptionKeys } from './option-keys.ts';
import { checkUntrainedWeights } from './penalty-range.ts';
import { checkPruneOptions, type PruneOptions, pruneAfter } from './prune-curve.ts';
import { checkSameNames, modelInfo, penaltyFields, recordedModelName, weightInfos } from './run-config.ts';
import { checkSeededRandom, drawsRandom, mixSeeds } from './seeded-random.ts';
import { accuracyOf, trainStep } from './step.ts';
import { isTfCallback, type TfCallback, TfCallbacks } from './tfjs-callbacks.ts';

/** Running means over the epoch so far, after each batch. */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  /** Batches per epoch (NaN when a dataset does not say). */
  readonly batches: number;
  readonly dataLoss: number;
  readonly penaltyLoss: number;
  readonly accuracy: number;
}

/** What callbacks get besides the record: the model and the optimiser `fit` trains with. */
export interface FitContext {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  /** TF.js's logs of the epoch just ended (`loss`, `acc`, `val_loss`, …), in `onEpochEnd` of epochs ≥ 1. */
  readonly logs?: tf.Logs;
}

/** What `onTrainBegin` is told: the run's configuration, and where a continued record (`from`) left off. */
export interface TrainBegin {
  readonly config: RunConfig;
  /** The last finished epoch of the record continued, 0 for a fresh run. */
  readonly resumedAfter: number;
}

/** Hooks into `fit`, called in this order; each may be async (fit waits for it). */
export interface FitCallback {
  /** Before anything else (before epoch 0 is measured). */
  onTrainBegin?(begin: TrainBegin, ctx: FitContext): void | Promise<void>;
  /** Before the first batch of each epoch (1, 2, …). */
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  onBatchEnd?(progress: BatchProgress, ctx: FitContext): void | Promise<void>;
  /**
   * While the prune curve after `epoch` is measured: `done` of `total` evaluations of the validation
   * data; after the epoch's last batch, before its onEpochEnd (after it when one of this library's
   * callbacks stopped training there: the curve is measured once they have all seen the epoch).
   */
  onPruneProgress?(progress: { epoch: number; done: number; total: number }, ctx: FitContext): void | Promise<void>;
  /**
   * After each snapshot is in the record: epoch 0 (the untrained model, after onTrainBegin) and every
   * finished epoch, after TF.js's callbacks' onEpochEnd (when one of them stopped training, the record
   * already says it ended there: `endedEarly`).
   */
  onEpochEnd?(epoch: number, record: RunRecord, ctx: FitContext): void | Promise<void>;
  /** After the last epoch (or the one a callback stopped at), with the finished record. */
  onTrainEnd?(record: RunRecord, ctx: FitContext): void | Promise<void>;
}

/** Where a run came from and ran, for its record (what `fit` cannot see itself). */
export interface RunInfo {
  /** The data's source, e.g. a folder; default `tensors` or `dataset`. */
  readonly data?: string;
  /** The model's source (a module or folder). */
  readonly modelSource?: string;
  /** The module of a user penalty. */
  readonly penaltyModule?: string;
  readonly backend?: string;
  readonly threads?: number;
  readonly parallel?: 'data' | 'threads';
  /** Why the gradients take the per-kernel path where a fused graph was possible (the backend's reason). */
  readonly gradientsWhy?: string;
  readonly versions?: Readonly<Record<string, string>>;
  /** When the run started (ISO 8601), if before `fit` was called; default when `fit` starts. */
  readonly startedAt?: string;
}

/** `fit`'s options: TF.js's `fit` options it takes (an unknown key is an error), and this library's own. */
export interface FitOptions {
  /** The epoch to train up to (a whole number ≥ 1); with `from`, counting the epochs the record has. */
  readonly epochs: number;
  /** Samples per batch; default 32. */
  readonly batchSize?: number;
  /** An optimiser spec (`adamw:lr=1e-3,wd=1e-4`), a transform chain, or a ready `tf.Optimizer`; default `adam`. */
  readonly optimizer?: string | GradientTransform | tf.Optimizer;
  /** Per-layer gradient transforms, learning-rate multipliers and freezes (not with a ready tf.Optimizer). */
  readonly controls?: LayerControls;
  /** Default `categoricalCrossentropy` (from the logits when the model ends in a softmax); one per output, or by output name, for a model of several. */
  readonly loss?: LossOption;
  /** TF.js's metric names or functions, per output as in `compile`; default `['accuracy']` for a classification loss. */
  readonly metrics?: MetricsOption;
  /** Evaluated after every epoch (and at epoch 0): `[x, y]` as TF.js takes it, or `{ x, y }`. */
  readonly validationData?: ValidationData;
  /** The last share of the samples (before shuffling) taken as validation data instead, as TF.js does; tensors only. */
  readonly validationSplit?: number;
  /** Seed of the batch order and of every random op of training (dropout masks, noise); default 42, or the seed of the record continued (`from`). */
  readonly seed?: number;
  /** Shuffle tensors' samples every epoch (seeded); default true. */
  readonly shuffle?: boolean;
  /** This library's callbacks (`FitCallback`) and TF.js's own (`tf.callbacks.earlyStopping(…)`, `tf.CustomCallback`). */
  readonly callbacks?: ReadonlyArray<FitCallback | tf.Callback | tf.CustomCallback>;
  /** How gradients are computed; default on this thread (penalty-explorer/node: `ShardedGradients`). */
  readonly gradients?: GradientStrategy;
  /** Record per-channel kernel norms every epoch (default) or also after every batch. */
  readonly trackNorms?: 'epoch' | 'batch';
  /** Your monitors: each one's section of every snapshot is kept under `monitors[name]`, and its view shown by the report and the dashboard (see `Monitor`). */
  readonly monitors?: readonly Monitor[];
  /** The run's name in its record and legends; default the model's name. */
  readonly name?: string;
  /** Continue this record: train the epochs after its last one (with its seed: another `seed` is refused; a model naming its weights otherwise than the record: a ResumeNamesError). */
  readonly from?: RunRecord;
  /** Where the run came from and ran, for its record (`fit` cannot see it). */
  readonly info?: RunInfo;
  /** Measure the prune curve (`pruneCurve`) after the last epoch (`true`; a run a callback ends early: the epoch it ends after), or after the epochs and at the levels given; needs validationData. */
  readonly prune?: boolean | PruneOptions;
  /** Accepted for TF.js's sake; `fit` prints nothing. */
  readonly verbose?: number;
  /** Stop at the next safe point once aborted: `fit` throws an InterruptedError (the record so far is what the callbacks saw). */
  readonly signal?: AbortSignal;
}

/** Every option `fit` knows (an unknown key is an error naming the nearest of these). */
export const FIT_OPTION_KEYS = [
  'epochs',
  'batchSize',
  'optimizer',
  'controls',
  'loss',
  'metrics',
  'validationData',
  'validationSplit',
  'seed',
  'shuffle',
  'callbacks',
  'gradients',
  'trackNorms',
  'monitors',
  'name',
  'from',
  'info',
  'prune',
  'verbose',
  'signal',
] as const satisfies ReadonlyArray<keyof FitOptions>;

/** TF.js `fit` options this one does not take, with what to do instead. */
const NOT_SUPPORTED: Readonly<Record<string, string>> = {
  classWeight: 'class weights are not supported; resample the data instead',
  sampleWeight: 'sample weights are not supported',
  initialEpoch: "continue a run with 'from' (its record), which also restores where it stopped",
  stepsPerEpoch: 'an epoch is one pass over the tensors, or over the dataset',
  validationSteps: 'the whole validation data is evaluated after every epoch',
  validationBatchSize: 'the validation data is evaluated in chunks of its own',
  yieldEvery: 'fit yields to the event loop after every batch',
};

const DEFAULT_BATCH = 32;
const DEFAULT_SEED = 42;
const DEFAULT_OPTIMIZER = 'adam';

/** Resolves after the event loop's next turn (setImmediate in Node, a zero timeout in browsers). */
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function wholeNumber(value: number, what: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${what} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/**
 * The run's seed: `seed`, else the seed of the record continued (`from`), else 42. A UsageError for
 * a seed that is not a whole number, or other than the continued record's: its new epochs would not
 * repeat from the seed it records.
 *
 * @example
 * seedOf({ epochs: 2, from: recordOfSeed7 })   // 7
 */
function seedOf(options: FitOptions): number {
  const was = options.from?.config.seed;
  const seed = options.seed ?? was ?? DEFAULT_SEED;
  // 1.5 drew the masks of 1, NaN and Infinity were recorded as null: a seed is a whole number.
  if (!Number.isSafeInteger(seed)) throw new UsageError(`seed must be a whole number (at most 2^53 − 1 in size), got ${String(seed)}`);
  if (was !== undefined && seed !== was)
    throw new UsageError(
      `the record continued (from) was trained with seed ${was}, this run gives seed ${seed}: its epochs would not repeat from the seed it records; give seed ${was} or leave seed out`,
    );
  return seed;
}

/**
 * A UsageError when `options.from`, the record continued, kept sections of other user monitors than
 * `options.monitors` (by name, in order): its new snapshots would lack the sections its earlier ones have.
 *
 * @example
 * checkSameMonitors({ epochs: 2, from: recordWithDeadRelu })   // throws: … was recorded with the monitors deadRelu, this run gives none; …
 */
function checkSameMonitors(options: FitOptions): void {
  if (!options.from) return;
  const names = (list: readonly { readonly name: string }[] | undefined) => (list ?? []).map((m) => m.name).join(', ') || 'none';
  const [was, now] = [names(options.from.config.monitors), names(options.monitors)];
  if (was !== now)
    throw new UsageError(
      `the record continued (from) was recorded with the monitors ${was}, this run gives ${now}: its snapshots would not keep the same sections; give the same monitors`,
    );
}

/** True for a ready TF.js optimiser (TF.js's own `instanceof` throws on undefined). */
const isTfOptimizer = (o: unknown): o is tf.Optimizer => typeof o === 'object' && o !== null && o instanceof tf.Optimizer;

/** The optimiser fit trains with, and whether fit made it (and disposes it). */
function optimizerOf(model: tf.LayersModel, options: FitOptions): { optimizer: tf.Optimizer; owned: boolean } {
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
  const chained = options.controls ? withLayerControls(transform, options.controls, weightNames(model)) : transform;
  // Penalties in proximal mode: their proximal step after the update (src/optim/prox.ts).
  return { optimizer: optimizerFor(model, withProximal(model, chained)), owned: true };
}

/** The optimiser as the record names it: its normalised spec, `custom` for a transform, or a tf.Optimizer's class. */
function optimizerLabel(o: FitOptions['optimizer']): string {
  if (isTfOptimizer(o)) return o.getClassName();
  return typeof o === 'object' ? 'custom' : optimizerSpec(o ?? DEFAULT_OPTIMIZER).spec;
}

/** The config a fresh run's record gets (also what a resumed run must agree with). */
export function runConfig(model: tf.LayersModel, data: FitData, options: FitOptions): RunConfig {
  return runConfigOfSizes(model, splitSizes(model, data, options), options, isTensorData(data) ? 'tensors' : 'dataset');
}

/**
 * runConfig's config for data of `sizes` samples (training, validation) that is not at hand (not
 * checked against the model): what a resume is compared with before the data's tensors are made.
 * `kind` is the data's when `options.info.data` does not name it.
 *
 * @example
 * runConfigOfSizes(model, { train: 60000, validation: 10000 }, { epochs: 2, seed: 42 }).trainSize   // 60000
 */
export function runConfigOfSizes(
  model: tf.LayersModel,
  sizes: { readonly train: number; readonly validation: number },
  options: FitOptions,
  kind: 'tensors' | 'dataset' = 'tensors',
): RunConfig {
  const info = options.info ?? {};
  const strategy = options.gradients ?? localGradients;
  const controls = options.controls ? describeLayerControls(options.controls) : {};
  const objective = objectiveOf(model, options.loss, options.metrics);
  const threads = info.threads ?? strategy.threads;
  return {
    name: options.name ?? recordedModelName(model),
    model: modelInfo(model, info.modelSource),
    ...penaltyFields(model),
    ...(info.penaltyModule ? { penaltyModule: info.penaltyModule } : {}),
    optimizer: optimizerLabel(options.optimizer),
    ...controls,
    loss: objective.losses.map((l) => l.name).join(', '),
    metrics: metricNames(objective),
    trainer: 'fit',
    ...(options.monitors?.length ? { monitors: monitorInfos(options.monitors) } : {}),
    trackNorms: options.trackNorms ?? 'epoch',
    epochs: options.epochs,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    seed: seedOf(options),
    trainSize: sizes.train,
    testSize: sizes.validation,
    data: info.data ?? kind,
    backend: info.backend ?? tf.getBackend(),
    threads,
    // How threads share a batch means nothing on one thread.
    ...(threads > 1 ? { parallel: info.parallel ?? strategy.parallel ?? 'data' } : {}),
    gradients: strategy.path ?? 'per-kernel',
    ...(info.gradientsWhy ? { gradientsWhy: info.gradientsWhy } : {}),
    versions: { '@tensorflow/tfjs': tf.version.tfjs ?? tf.version_core, ...info.versions },
    startedAt: info.startedAt ?? new Date().toISOString(),
  };
}

/** The data checked against the model, and where `validationSplit` cuts the training samples (undefined without it). */
function checkedData(model: tf.LayersModel, data: FitData, options: FitOptions): { train?: Batch; validation?: Batch; at?: number } {
  const given = validationOf(options.validationData);
  const validation = given ? checkTensorData(model, given, 'validation data') : undefined;
  const train = isTensorData(data) ? checkTensorData(model, data, 'training data') : undefined;
  const s = options.validationSplit;
  if (s === undefined) return { ...(train ? { train } : {}), ...(validation ? { validation } : {}) };
  if (!(s > 0 && s < 1)) throw new UsageError(`validationSplit must be a share between 0 and 1 (exclusive), got ${s}`);
  if (validation) throw new UsageError('give validationData or validationSplit, not both');
  if (!train) throw new UsageError('validationSplit takes tensors; for a dataset give validationData');
  const n = train.xs[0]?.shape[0] ?? 0;
  const at = Math.floor(n * (1 - s));
  if (at < 1 || at >= n)
    throw new UsageError(`validationSplit ${s} of ${n} samples leaves ${at} to train on and ${n - at} to validate; give a share that leaves some of each`);
  return { train, at };
}

/** Samples trained on (NaN for a dataset) and validated on. */
function splitSizes(model: tf.LayersModel, data: FitData, options: FitOptions): { train: number; validation: number } {
  const { train, validation, at } = checkedData(model, data, options);
  const n = train ? (train.xs[0]?.shape[0] ?? 0) : NaN;
  return at === undefined ? { train: n, validation: validation?.xs[0]?.shape[0] ?? 0 } : { train: at, validation: n - at };
}

/** The training batch (tensor data) and the validation batch, after `validationSplit` (then as new tensors, in `made`). */
function splitOf(model: tf.LayersModel, data: FitData, options: FitOptions): { train?: Batch; validation?: Batch; made: tf.Tensor[] } {
  const { train, validation, at } = checkedData(model, data, options);
  if (at === undefined || !train) return { ...(train ? { train } : {}), ...(validation ? { validation } : {}), made: [] };
  const n = train.xs[0]?.shape[0] ?? 0;
  const [head, tail] = [sliceBatch(train, 0, at), sliceBatch(train, at, n - at)];
  return { train: head, validation: tail, made: [...tensorsOf(head), ...tensorsOf(tail)] };
}

/**
 * The options with a dataset's own batch size as `batchSize` (what its record states); a
 * UsageError when the options give another one (a dataset brings its batches: `dataset.batch(n)`).
 */
export async function withBatchSizeOf(data: FitData, options: FitOptions): Promise<FitOptions> {
  if (isTensorData(data)) return options;
  const size = await datasetBatchSize(data);
  if (options.batchSize !== undefined && options.batchSize !== size)
    throw new UsageError(
      `batchSize ${options.batchSize} with a dataset of batches of ${size}: a dataset brings its own batches (dataset.batch(n)); leave batchSize out`,
    );
  return { ...options, batchSize: size };
}

/** A UsageError when `options.gradients` cannot train `model` on fit's objective (started for another one). */
export function checkGradientsOption(model: tf.LayersModel, options: FitOptions): void {
  const refused = options.gradients?.refusal?.(model, objectiveOf(model, options.loss, options.metrics));
  if (refused) throw new UsageError(`the gradients option cannot train this: ${refused}`);
}

/**
 * A UsageError when `model` has no trainable weight (every layer frozen, or none with weights):
 * there is nothing to train (TF.js's own message, from deep in its gradients, does not say so).
 *
 * @example
 * checkTrainable(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], trainable: false })] }))   // throws
 */
export function checkTrainable(model: tf.LayersModel): void {
  if (model.trainableWeights.length > 0) return;
  const frozen = model.weights.length;
  throw new UsageError(
    `model ${model.name} has no trainable weights (${frozen ? `all ${frozen} of its weight tensors are frozen` : 'it has no weights'}), so there is nothing to train; make a layer trainable (layer.trainable = true)`,
  );
}

/** Train `model` on `data` with the project's step; returns the run record. */
export function fit(model: tf.LayersModel, data: FitData, given: FitOptions): Promise<RunRecord> {
  return fitWith(model, data, given, false);
}

/**
 * `fit`, the weights `model` starts from checked already by the caller (checkUntrainedWeights, as
 * fitToFolder does before touching its folder): not read back and checked a second time.
 */
export function fitFromCheckedWeights(model: tf.LayersModel, data: FitData, given: FitOptions): Promise<RunRecord> {
  return fitWith(model, data, given, true);
}

async function fitWith(model: tf.LayersModel, data: FitData, given: FitOptions, weightsChecked: boolean): Promise<RunRecord> {
  checkModelArgument(model, 'fit');
  checkOptionKeys(given, FIT_OPTION_KEYS, 'fit', NOT_SUPPORTED);
  useTrainingKernels();
  checkReadBack();
  const options = await withBatchSizeOf(data, given);
  checkMonitors(options.monitors ?? []);
  const epochs = wholeNumber(options.epochs, 'epochs', 1);
  const batchSize = wholeNumber(options.batchSize ?? DEFAULT_BATCH, 'batch size', 1);
  const seed = seedOf(options);
  checkSameMonitors(options);
  // The record continued goes on under its weights' names (its epochs left to train), checked as fitToFolder checks a resume.
  if (options.from && options.from.epochs.length < epochs) checkSameNames(options.from, weightInfos(model), 'the record continued (from)');
  const objective = objectiveOf(model, options.loss, options.metrics);
  const sizes = splitSizes(model, data, options);
  const n = Number.isNaN(sizes.train) ? Infinity : sizes.train;
  if (batchSize > n) throw new UsageError(`batch size ${batchSize} is larger than the training data (${n} samples); give at most ${n}`);
  checkPruneOptions(options.prune, sizes.validation > 0, epochs);
  const stopIfAsked = (where: string) => {
    if (options.signal?.aborted) throw new InterruptedError(`stopped ${where}`);
  };
  checkTrainable(model);
  checkConstraints(model);
  checkInventory(model);
  // A continued run's weights are restored by a callback before its first batch: not these.
  // Weights NaN or ±∞, or a λ·penalty NaN, ±∞ or past float32's range at them: refused, not a divergence at batch 1.
  if (!options.from && !weightsChecked) checkUntrainedWeights(model);
  if (drawsRandom(model)) checkSeededRandom();
  checkGradientsOption(model, options);
  const strategy = options.gradients ?? localGradients;
  checkDifferentiable(model, strategy);
  const { optimizer, owned } = optimizerOf(model, options);
  // From here on the tensors `validationSplit` made (and the optimiser fit made) are disposed at the end.
  const { train, validation, made } = splitOf(model, data, options);
  const source = train ? tensorBatches(train, batchSize, seed, options.shuffle ?? true) : datasetBatches(model, data as tf.data.Dataset<DatasetBatch>);
  const ctx: FitContext = { model, optimizer };
  const ours = (options.callbacks ?? []).filter((c): c is FitCallback => !isTfCallback(c));
  const theirs = new TfCallbacks((options.callbacks ?? []).filter((c) => isTfCallback(c)) as unknown as TfCallback[], model, {
    epochs,
    initialEpoch: options.from?.epochs.length ?? 0,
    samples: source.samples,
    steps: source.count,
    batchSize,
    doValidation: validation !== undefined,
    metrics: logNames(objective, validation !== undefined),
  });
  const validationData: TensorData | undefined = validation ? { x: [...validation.xs], y: [...validation.ys] } : undefined;
  const measure = hasConstraints(model);
  // The default monitors write the record's own fields; the user's, sections of their own.
  const monitors = new MonitorRun<MonitoredFields>(defaultMonitors({ trackNorms: options.trackNorms ?? 'epoch' }), options.monitors ?? [], options.signal);
  // The evaluation's outputs are kept (until the monitors have seen them) only when a monitor wants them.
  const predictions = monitors.wantsTestPredictions;
  const scoresOf = async (): Promise<Scores & { predictions?: Predictions[] }> => {
    if (!validation) return { loss: null, acc: null };
    const r = await evaluate(model, validationData as TensorData, { objective, gradients: strategy, predictions });
    return { loss: orNull(r.loss), acc: r.acc, metrics: r.metrics, ...(r.predictions ? { predictions: r.predictions } : {}) };
  };
  const watched: MonitorContext = { model, ...(validation ? { validationData: { x: validation.xs, y: validation.ys } } : {}) };
  /** A snapshot of the model after `epoch`: its evaluation, then every monitor's section. */
  const snapshot = async (epoch: number) => {
    const { predictions: testPredictions, ...scores } = await scoresOf();
    const { fields, monitors: sections } = await monitors.epochEnd(epoch, watched, testPredictions);
    const s = { epoch, testLoss: scores.loss, testAcc: scores.acc, ...(scores.metrics ? { testMetrics: scores.metrics } : {}), ...fields } as WeightsSnapshot &
      Partial<MonitoredFields>;
    return { snapshot: s, sections };
  };
  try {
    const config = options.from
      ? { ...options.from.config, epochs, ...(options.monitors?.length ? { monitors: monitorInfos(options.monitors) } : {}) }
      : runConfig(model, data, options);
    for (const c of ours) await c.onTrainBegin?.({ config, resumedAfter: options.from?.epochs.length ?? 0 }, ctx);
    await theirs.trainBegin();
    await monitors.trainBegin(watched);
    let record: RunRecord;
    if (options.from) {
      // Continued past where a callback ended it: no longer ended early.
      const { endedEarly: _ended, ...from } = options.from;
      record = { ...from, config };
    } else {
      const { snapshot: initial, sections } = await snapshot(0);
      record = { format: RUN_FORMAT, config, initial: { ...initial, ...(sections ? { monitors: sections } : {}) }, epochs: [] };
      for (const c of ours) await c.onEpochEnd?.(0, record, ctx);
    }
    stopIfAsked('before the first batch');

    for (let epoch = record.epochs.length + 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      for (const c of ours) await c.onEpochBegin?.(epoch, ctx);
      await theirs.epochBegin(epoch);
      let sums: BatchScores = { scores: [], n: 0 };
      let [penaltySum, batches] = [0, 0];
      for await (const batch of source.batches(epoch)) {
        let r: Awaited<ReturnType<typeof trainStep>>;
        try {
          await theirs.batchBegin(batches, batch);
          r = await trainStep(model, optimizer, [...batch.xs], [...batch.ys], {
            objective,
            gradients: strategy,
            measureConstraints: measure,
            seed: mixSeeds(seed, epoch, batches),
            ...(options.controls?.freeze ? { frozen: options.controls.freeze } : {}),
          });
        } finally {
          if (source.owned) tf.dispose(tensorsOf(batch));
        }
        batches++;
        if (!Number.isFinite(r.dataLoss) || !Number.isFinite(r.penaltyLoss)) {
          throw lossDiverged(epoch, batches, r, record);
        }
        sums = sums.n === 0 ? r.sums : addScores([sums, r.sums]);
        penaltySum += r.penaltyLoss * r.sums.n;
        await monitors.batchEnd({ epoch, batch: batches, dataLoss: r.dataLoss, penaltyLoss: r.penaltyLoss, projected: r.projected }, watched);
        const progress = {
          epoch,
          epochs,
          batch: batches,
          batches: source.count,
          dataLoss: (sums.scores[0] ?? NaN) / sums.n,
          penaltyLoss: penaltySum / sums.n,
          accuracy: accuracyOf(objective, sums.scores, sums.n),
        };
        await theirs.batchEnd(batches - 1, r);
        for (const c of ours) await c.onBatchEnd?.(progress, ctx);
        // A turn of the event loop: signals (Ctrl-C) and messages are seen during an epoch too.
        await nextTurn();
        stopIfAsked(`in epoch ${epoch} after batch ${batches}`);
      }
      if (batches === 0) throw new DataError(`the training data gave no batches in epoch ${epoch}`);
      const total = sums;
      const {
        snapshot: { batchLosses, batchNorms, ...measured },
        sections,
      } = await snapshot(epoch).catch((err: unknown) => {
        // A weight NaN or ±∞ while the losses stayed finite (a dead ReLU's bias at −∞): diverged too.
        throw err instanceof NonFiniteWeightsError ? new DivergedError(epoch, batches, `weight ${err.weight}`, record) : err;
      });
      // run@3's order: the snapshot, the epoch's training numbers, then the per-batch ones.
      const entry: EpochRecord = {
        ...measured,
        trainLoss: (total.scores[0] ?? NaN) / total.n,
        trainAcc: orNull(accuracyOf(objective, total.scores, total.n)),
        trainMetrics: metricsOf(objective, total.scores, total.n),
        seconds: (performance.now() - t0) / 1000,
        ...(batchNorms ? { batchNorms } : {}),
        ...(batchLosses ? { batchLosses } : {}),
        ...(sections ? { monitors: sections } : {}),
      };
      /**
       * The prune curve asked for after `epoch`, were `last` the run's last epoch; a stop asked
       * meanwhile stops it, unless `toTheEnd` (the curve of a run that ends with this epoch anyway).
       */
      const pruned = (last: number, toTheEnd = false) =>
        pruneAfter(
          model,
          epoch,
          last,
          { ...(options.prune === undefined ? {} : { prune: options.prune }), ...(validationData ? { validationData } : {}), objective },
          strategy,
          async (done, n) => {
            for (const c of ours) await c.onPruneProgress?.({ epoch, done, total: n }, ctx);
            await nextTurn();
            if (!toTheEnd) stopIfAsked(`while measuring the prune curve after epoch ${epoch}`);
          },
        );
      const curve = await pruned(epochs);
      record = { ...record, epochs: [...record.epochs, curve ? { ...entry, prune: curve } : entry] };
      /**
       * The record ended after this epoch when a callback asked to stop: the curve asked for after
       * the last epoch measured now, to the end even when a stop is asked meanwhile (else the epoch
       * would go unwritten, its checkpoint one epoch back, and a resume would train it again).
       */
      const endIfAsked = async (r: RunRecord): Promise<RunRecord> => {
        if (r.endedEarly || !theirs.stopRequested || epoch >= epochs) return r;
        const atEnd = curve ? undefined : await pruned(epoch, true);
        const ended = atEnd ? [...r.epochs.slice(0, -1), { ...entry, prune: atEnd }] : r.epochs;
        return { ...r, epochs: ended, endedEarly: { epoch, reason: `a callback stopped training after epoch ${epoch} (model.stopTraining)` } };
      };
      const logs = epochLogs(entry, penaltySum / total.n);
      // TF.js's callbacks first: when one stops training, this library's see the record ended here.
      await theirs.epochEnd(epoch, logs);
      record = await endIfAsked(record);
      for (const c of ours) await c.onEpochEnd?.(epoch, record, { ...ctx, logs });
      // One of this library's callbacks may stop it too (its record then ends after they all saw it).
      record = await endIfAsked(record);
      if (record.endedEarly) break;
      if (epoch < epochs) stopIfAsked(`after epoch ${epoch}`);
    }
    await theirs.trainEnd(record);
    for (const c of ours) await c.onTrainEnd?.(record, ctx);
    return record;
  } finally {
    theirs.release();
    if (owned) optimizer.dispose();
    tf.dispose(made);
  }
}

/** The names TF.js logs an epoch under: loss, the metrics (and per-output losses), and their val_ twins. */
function logNames(objective: Objective, validation: boolean): string[] {
  const names = ['loss', ...metricNames(objective)];
  return validation ? [...names, ...names.map((n) => `val_${n}`)] : names;
}

/** TF.js's logs of an epoch: `loss` is the data loss plus the penalties, per sample over the batches (as TF.js's own fit logs it). */
function epochLogs(e: EpochRecord, penalty: number): tf.Logs {
  const logs: Record<string, number> = { loss: e.trainLoss + penalty };
  for (const [k, v] of Object.entries(e.trainMetrics ?? {})) if (v !== null) logs[k] = v;
  if (e.testLoss !== null) logs['val_loss'] = e.testLoss;
  for (const [k, v] of Object.entries(e.testMetrics ?? {})) if (v !== null) logs[`val_${k}`] = v;
  return logs;
}
