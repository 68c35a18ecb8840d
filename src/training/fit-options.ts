/**
 * What `fit` takes and calls: its options (`FitOptions`, `RunInfo`; the keys it knows, and the
 * TF.js `fit` options it refuses with what to do instead), the hooks it calls (`FitCallback`) and
 * what they get, and its defaults (batch 32, seed 42, Adam).
 *
 * @example
 * const options: FitOptions = { epochs: 5, batchSize: 64, callbacks: [{ onEpochEnd: (epoch: number, record: RunRecord) => console.log(epoch, record.epochs.length) }] };
 */

import type { RunConfig, RunRecord } from '../formats/index.ts';
import type { Monitor } from '../monitor/index.ts';
import type { GradientTransform, LayerControls } from '../optim/index.ts';
import type { tf } from '../tf.ts';
import type { ValidationData } from './fit-data.ts';
import type { GradientStrategy } from './gradients.ts';
import type { LossOption, MetricsOption } from './objective.ts';
import type { PruneOptions } from './prune-curve.ts';

/**
 * Running means over the epoch so far, after each batch, per sample. `penaltyLoss` is a mean too:
 * not the record's `penaltyLoss` of the epoch (λ·penalty at the weights after its last batch), which
 * differs from it as the weights move (`penx train` shows them as `penalty (mean)` and `penalty at end`).
 */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  /** Batches per epoch (NaN when a dataset does not say). */
  readonly batches: number;
  /** The data loss (no penalties) over the epoch's batches so far, each before its update: at the last batch, the epoch's `trainLoss`. */
  readonly dataLoss: number;
  /** λ·penalty over the epoch's batches so far, each at its weights before its update (Σ penalty × samples / samples). */
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
  /** Once `fit`'s checks passed, before anything is trained or measured (epoch 0), and before TF.js's callbacks' onTrainBegin. */
  onTrainBegin?(begin: TrainBegin, ctx: FitContext): void | Promise<void>;
  /** Before the first batch of each epoch (1, 2, …). */
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  /** After each batch's step (a NaN or infinite loss has stopped the run before), after TF.js's callbacks' onBatchEnd. */
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
  /** Continue this record: train the epochs after its last one (with its seed: another `seed` is refused, as are other user monitors; a model naming its weights otherwise than the record: a ResumeNamesError; a record holding a layer's channel norms otherwise than this penx takes them, an older penx's: a ResumeNormsError). */
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
export const NOT_SUPPORTED: Readonly<Record<string, string>> = {
  classWeight: 'class weights are not supported; resample the data instead',
  sampleWeight: 'sample weights are not supported',
  initialEpoch: "continue a run with 'from' (its record), which also restores where it stopped",
  stepsPerEpoch: 'an epoch is one pass over the tensors, or over the dataset',
  validationSteps: 'the whole validation data is evaluated after every epoch',
  validationBatchSize: 'the validation data is evaluated in chunks of its own',
  yieldEvery: 'fit yields to the event loop after every batch',
};

export const DEFAULT_BATCH = 32;
export const DEFAULT_SEED = 42;
export const DEFAULT_OPTIMIZER = 'adam';
