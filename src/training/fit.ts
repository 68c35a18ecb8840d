/**
 * Training any `tf.LayersModel` with the project's step, and recording what its weights do:
 *
 *   checks (data shapes against the model, options) ─► optimiser (spec, transform chain or tf.Optimizer,
 *   with per-layer controls) ─► epoch 0: evaluate + weight snapshot of the untrained model
 *     ─► for each epoch: batches (seeded order) ─► trainStep (loss + penalties ─► gradients
 *        ─► transforms ─► optimiser ─► constraints) ─► NaN/∞ stops the run
 *        ─► evaluate ─► snapshot (histograms, sparsity, per layer, channel norms) ─► record ─► callbacks
 *   `signal` aborted ─► InterruptedError at the next safe point: after the current batch, a prune
 *   evaluation or the epoch's callbacks (never between a step's parts)
 *
 * Returns the run record (the schema of `run.json`). Continuing a record (`from`) starts after its
 * last epoch; with the restored weights and optimiser state (see penalty-explorer/node's run
 * folders) the run ends with the same weights as an uninterrupted one.
 *
 * @example
 * const record = await fit(model, { x, y }, {
 *   epochs: 5, batchSize: 64, optimizer: 'adamw:lr=1e-3,wd=1e-4', loss: 'sparseCategoricalCrossentropy',
 *   validationData: { x: xTest, y: yTest },
 * });
 * record.epochs.at(-1)?.sparsity.lt1e3;   // share of |w| < 1e-3 after the last epoch
 */
import { tf, type Tensor } from '../tf.ts';
import { InterruptedError, SpecError } from '../spec/errors.ts';
import { describeLayerControls, optimizerFor, optimizerSpec, weightNames, withLayerControls, type GradientTransform, type LayerControls } from '../optim/index.ts';
import { BatchLosses } from '../monitor/batch-losses.ts';
import { batchNorms } from '../monitor/norms.ts';
import { snapshotWeights, type Scores } from '../monitor/snapshot.ts';
import { modelInfo, penaltyFields } from '../record/config.ts';
import { RUN_FORMAT, type BatchNorms, type EpochRecord, type RunConfig, type RunRecord } from '../record/schema.ts';
import { checkConstraints, hasConstraints } from './constraints.ts';
import { DivergedError } from './diverged.ts';
import { evaluate } from './evaluate.ts';
import { checkTensorData, datasetBatches, isTensorData, tensorBatches, type FitData, type TensorData } from './fit-data.ts';
import { localGradients, type GradientStrategy } from './gradients.ts';
import { lossOf, type LossSpec } from './losses.ts';
import { trainStep } from './step.ts';
import { checkPruneOptions, pruneAfter, type PruneOptions } from './prune-curve.ts';
import { proximalTerms, withProximal } from '../optim/prox-terms.ts';

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
}

/** Hooks into `fit`; each may be async (fit waits for it). */
export interface FitCallback {
  /** Before the first batch; `record` holds epoch 0 (or the continued record). */
  onTrainBegin?(record: RunRecord, ctx: FitContext): void | Promise<void>;
  onBatchEnd?(progress: BatchProgress, ctx: FitContext): void | Promise<void>;
  /** After each snapshot is in the record: epoch 0 (the untrained model) and every finished epoch. */
  onEpochEnd?(epoch: number, record: RunRecord, ctx: FitContext): void | Promise<void>;
  /** While the prune curve after `epoch` is measured: `done` of `total` evaluations of the validation data. */
  onPruneProgress?(progress: { epoch: number; done: number; total: number }, ctx: FitContext): void | Promise<void>;
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
}

export interface FitOptions {
  readonly epochs: number;
  /** Samples per batch; default 32. */
  readonly batchSize?: number;
  /** An optimiser spec (`adamw:lr=1e-3,wd=1e-4`), a transform chain, or a ready `tf.Optimizer`; default `adam`. */
  readonly optimizer?: string | GradientTransform | tf.Optimizer;
  /** Per-layer gradient transforms, learning-rate multipliers and freezes (not with a ready tf.Optimizer). */
  readonly controls?: LayerControls;
  /** Default `categoricalCrossentropy` (from the logits when the model ends in a softmax). */
  readonly loss?: LossSpec;
  /** Evaluated after every epoch (and at epoch 0): test loss and accuracy in the record. */
  readonly validationData?: TensorData;
  /** Seed of the batch order; default 42. */
  readonly seed?: number;
  /** Shuffle tensors' samples every epoch (seeded); default true. */
  readonly shuffle?: boolean;
  readonly callbacks?: readonly FitCallback[];
  /** How gradients are computed; default on this thread (penalty-explorer/node: `ShardedGradients`). */
  readonly gradients?: GradientStrategy;
  /** Record per-channel kernel norms every epoch (default) or also after every batch. */
  readonly trackNorms?: 'epoch' | 'batch';
  /** The run's name in its record and legends; default the model's name. */
  readonly name?: string;
  /** Continue this record: train the epochs after its last one. */
  readonly from?: RunRecord;
  readonly info?: RunInfo;
  /** Measure the prune curve (`pruneCurve`) after the last epoch (`true`), or after the epochs and at the levels given; needs validationData. */
  readonly prune?: boolean | PruneOptions;
  /** Stop at the next safe point once aborted: `fit` throws an InterruptedError (the record so far is what the callbacks saw). */
  readonly signal?: AbortSignal;
}

const DEFAULT_BATCH = 32;

/** Resolves after the event loop's next turn (setImmediate in Node, a zero timeout in browsers). */
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
const DEFAULT_OPTIMIZER = 'adam';

function wholeNumber(value: number, what: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new SpecError(`${what} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** The optimiser fit trains with, and its description for the record. */
function optimizerOf(model: tf.LayersModel, options: FitOptions): { optimizer: tf.Optimizer; owned: boolean } {
  const o = options.optimizer ?? DEFAULT_OPTIMIZER;
  if (o instanceof tf.Optimizer) {
    if (options.controls) throw new SpecError('per-layer controls need an optimiser spec or transform, not a ready tf.Optimizer (its updates cannot be wrapped)');
    if (Object.keys(proximalTerms(model)).length > 0) throw new SpecError('a penalty in proximal mode (,prox) needs an optimiser spec or transform, not a ready tf.Optimizer (the proximal step follows its update)');
    return { optimizer: o, owned: false };
  }
  const transform = typeof o === 'string' ? optimizerSpec(o).transform : o;
  const chained = options.controls ? withLayerControls(transform, options.controls, weightNames(model)) : transform;
  // Penalties in proximal mode: their proximal step after the update (src/optim/prox.ts).
  return { optimizer: optimizerFor(model, withProximal(model, chained)), owned: true };
}

/** The optimiser as the record names it: its normalised spec, `custom` for a transform, or a tf.Optimizer's class. */
function optimizerLabel(o: FitOptions['optimizer']): string {
  if (o instanceof tf.Optimizer) return o.getClassName();
  return typeof o === 'object' ? 'custom' : optimizerSpec(o ?? DEFAULT_OPTIMIZER).spec;
}

/** The config a fresh run's record gets (also what a resumed run must agree with). */
export function runConfig(model: tf.LayersModel, data: FitData, options: FitOptions): RunConfig {
  const info = options.info ?? {};
  const strategy = options.gradients ?? localGradients;
  const train = isTensorData(data) ? (data.x.shape[0] ?? 0) : NaN;
  const controls = options.controls ? describeLayerControls(options.controls) : {};
  return {
    name: options.name ?? model.name,
    model: modelInfo(model, info.modelSource),
    ...penaltyFields(model),
    ...(info.penaltyModule ? { penaltyModule: info.penaltyModule } : {}),
    optimizer: optimizerLabel(options.optimizer),
    ...controls,
    loss: lossOf(options.loss).name,
    trackNorms: options.trackNorms ?? 'epoch',
    epochs: options.epochs,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    seed: options.seed ?? 42,
    trainSize: train,
    testSize: options.validationData?.x.shape[0] ?? 0,
    data: info.data ?? (isTensorData(data) ? 'tensors' : 'dataset'),
    backend: info.backend ?? tf.getBackend(),
    threads: info.threads ?? strategy.threads,
    ...(info.parallel ? { parallel: info.parallel } : strategy.threads > 1 ? { parallel: strategy.parallel ?? 'data' } : {}),
    gradients: strategy.path ?? 'per-kernel',
    ...(info.gradientsWhy ? { gradientsWhy: info.gradientsWhy } : {}),
    versions: { '@tensorflow/tfjs': tf.version.tfjs ?? tf.version_core, ...info.versions },
    startedAt: new Date().toISOString(),
  };
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Mean loss and accuracy on the validation data (null without it). */
async function scoresOf(model: tf.LayersModel, options: FitOptions, strategy: GradientStrategy): Promise<Scores> {
  const v = options.validationData;
  return v ? evaluate(model, v, { ...(options.loss ? { loss: options.loss } : {}), gradients: strategy }) : { loss: null, acc: null };
}

/** Train `model` on `data` with the project's step; returns the run record. */
export async function fit(model: tf.LayersModel, data: FitData, options: FitOptions): Promise<RunRecord> {
  const epochs = wholeNumber(options.epochs, 'epochs', 1);
  const batchSize = wholeNumber(options.batchSize ?? DEFAULT_BATCH, 'batch size', 1);
  lossOf(options.loss);
  if (isTensorData(data)) {
    checkTensorData(model, data, 'training data');
    const n = data.x.shape[0] ?? 0;
    if (batchSize > n) throw new SpecError(`batch size ${batchSize} is larger than the training data (${n} samples); give at most ${n}`);
  }
  if (options.validationData) checkTensorData(model, options.validationData, 'validation data');
  checkPruneOptions(options.prune, options.validationData !== undefined, epochs);
  const stopIfAsked = (where: string) => {
    if (options.signal?.aborted) throw new InterruptedError(`stopped ${where}`);
  };
  checkConstraints(model);
  const source = isTensorData(data) ? tensorBatches(data, batchSize, options.seed ?? 42, options.shuffle ?? true) : datasetBatches(data);
  const strategy = options.gradients ?? localGradients;
  const { optimizer, owned } = optimizerOf(model, options);
  const ctx: FitContext = { model, optimizer };
  const callbacks = options.callbacks ?? [];
  const measure = hasConstraints(model);
  try {
    let record: RunRecord;
    if (options.from) record = { ...options.from, config: { ...options.from.config, epochs } };
    else {
      record = { format: RUN_FORMAT, config: runConfig(model, data, options), initial: snapshotWeights(model, 0, await scoresOf(model, options, strategy)), epochs: [] };
      for (const c of callbacks) await c.onEpochEnd?.(0, record, ctx);
    }
    for (const c of callbacks) await c.onTrainBegin?.(record, ctx);
    stopIfAsked('before the first batch');

    for (let epoch = record.epochs.length + 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      let [sumLoss, sumPen, sumAcc, batches] = [0, 0, 0, 0];
      const projectedSum: Record<string, number> = {};
      const perBatch: BatchNorms[] = [];
      const losses = new BatchLosses();
      for await (const [x, y] of source.batches(epoch)) {
        let r;
        try {
          r = await trainStep(model, optimizer, x, y, { ...(options.loss ? { loss: options.loss } : {}), gradients: strategy, measureConstraints: measure });
        } finally {
          if (isTensorData(data)) tf.dispose([x, y] as Tensor[]);
        }
        batches++;
        if (!Number.isFinite(r.dataLoss) || !Number.isFinite(r.penaltyLoss)) {
          throw new DivergedError(epoch, batches, Number.isFinite(r.dataLoss) ? 'penalty loss' : 'data loss', record);
        }
        losses.add(r.dataLoss, r.penaltyLoss);
        for (const [k, v] of Object.entries(r.projected)) projectedSum[k] = (projectedSum[k] ?? 0) + v;
        if (options.trackNorms === 'batch') perBatch.push(batchNorms(model, batches));
        [sumLoss, sumPen, sumAcc] = [sumLoss + r.dataLoss, sumPen + r.penaltyLoss, sumAcc + r.accuracy];
        const progress = { epoch, epochs, batch: batches, batches: source.count, dataLoss: sumLoss / batches, penaltyLoss: sumPen / batches, accuracy: sumAcc / batches };
        for (const c of callbacks) await c.onBatchEnd?.(progress, ctx);
        // A turn of the event loop: signals (Ctrl-C) and messages are seen during an epoch too.
        await nextTurn();
        stopIfAsked(`in epoch ${epoch} after batch ${batches}`);
      }
      if (batches === 0) throw new SpecError(`the training data gave no batches in epoch ${epoch}`);
      const projected = Object.fromEntries(Object.entries(projectedSum).map(([k, v]) => [k, v / batches]));
      const entry: EpochRecord = {
        ...snapshotWeights(model, epoch, await scoresOf(model, options, strategy), projected),
        trainLoss: sumLoss / batches,
        penaltyLoss: sumPen / batches,
        trainAcc: orNull(sumAcc / batches),
        seconds: (performance.now() - t0) / 1000,
        ...(options.trackNorms === 'batch' ? { batchNorms: perBatch } : {}),
        batchLosses: losses.take(),
      };
      const curve = await pruneAfter(model, epoch, epochs, options, strategy, async (done, total) => {
        for (const c of callbacks) await c.onPruneProgress?.({ epoch, done, total }, ctx);
        await nextTurn();
        stopIfAsked(`while measuring the prune curve after epoch ${epoch}`);
      });
      record = { ...record, epochs: [...record.epochs, curve ? { ...entry, prune: curve } : entry] };
      for (const c of callbacks) await c.onEpochEnd?.(epoch, record, ctx);
      if (epoch < epochs) stopIfAsked(`after epoch ${epoch}`);
    }
    return record;
  } finally {
    if (owned) optimizer.dispose();
  }
}
