/**
 * For users of TF.js's own `model.fit`: callbacks that record the same per-epoch weight record as
 * `fit` does, and that apply every weight's constraint after each batch (TF.js's `fit` ignores
 * `kernelConstraint`, tensorflow/tfjs#3345).
 *
 * TF.js's `model.fit` adds to its loss only the penalties `model.calculateLosses()` finds: not a
 * recurrent layer's (kept on its cell) nor a Bidirectional layer's, and it cannot take a penalty's
 * proximal step; and it counts a layer's penalties once per call of the layer (a shared layer, a
 * nested model used twice: twice). `recordWeights` stops such a run before its first batch, naming
 * the weight or layer, rather than record a penalty that does not act as recorded; and one TF.js's
 * `model.fit` would stop itself, mid-step, on a trainable int32 weight a gradient reaches.
 *
 * @example
 * const recorder = recordWeights(model, { name: 'my-run' });
 * await model.fit(x, y, { epochs: 5, validationData: [xv, yv], callbacks: [enforceConstraints(model), recorder] });
 * recorder.record;   // { format: 'penalty-explorer/run@3', initial, epochs: [...] }
 */

import { UsageError } from '../errors.ts';
import { type EpochRecord, type Metrics, RUN_FORMAT, type RunRecord, type WeightsSnapshot } from '../formats/index.ts';
import { checkReadBack, useTrainingKernels } from '../kernels/index.ts';
import { checkInventory, inventory, makersOf, takesGradient } from '../model/index.ts';
import { checkMonitors, type Monitor, MonitorRun, monitorInfos, type WeightStatistics, weightStatisticsMonitor } from '../monitor/index.ts';
import { isProximal } from '../penalties/index.ts';
import { tf } from '../tf.ts';
import { penaltyLoss } from './batch-math.ts';
import { applyConstraints } from './constraints.ts';
import { checkFiniteWeights } from './finite-weights.ts';
import { reachedByGradient } from './gradient-reach.ts';
import { modelInfo, penaltyFields, recordedModelName } from './run-config.ts';
import { lossCallsOf } from './tfjs-loss-calls.ts';

/** After every batch of `model.fit`, project each constrained weight: w ← constraint(w). */
export function enforceConstraints(model: tf.LayersModel): tf.CustomCallback {
  return new tf.CustomCallback({
    onBatchEnd: async () => {
      applyConstraints(model);
    },
  });
}

/** A log value as a number (TF.js passes scalars as tensors in batch logs), null when not finite. */
function numberOf(x: unknown): number | null {
  const v = x instanceof tf.Tensor ? (x.dataSync()[0] ?? NaN) : x;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
const first = (logs: tf.Logs | undefined, keys: readonly string[]) => numberOf(keys.map((k) => logs?.[k]).find((v) => v !== undefined));

/** The metrics in TF.js's logs (every key but the losses), training's or (with `prefix` `val_`) validation's. */
function metricsIn(logs: tf.Logs | undefined, prefix: '' | 'val_'): Metrics {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (k === `${prefix}loss` || ['batch', 'size'].includes(k)) continue;
    if (prefix === '' ? k.startsWith('val_') : !k.startsWith('val_')) continue;
    out[k.slice(prefix.length)] = numberOf(v);
  }
  return out;
}

/**
 * Throws a UsageError naming the weight when TF.js's own `model.fit` would train without one of the
 * model's penalties: one its `calculateLosses()` does not reach (a recurrent layer's cell, a
 * Bidirectional layer's), or one in proximal mode; or, naming the layer, would count a layer's
 * penalties more than once (a layer called twice: shared by two branches, in a nested model used twice).
 */
export function checkModelFitPenalties(model: tf.LayersModel): void {
  checkInventory(model);
  const inv = inventory(model);
  for (const entry of inv.layers) {
    const reached = new Set(entry.layer.losses);
    for (const maker of makersOf(entry.layer)) {
      const dropped = maker.losses.some((f) => !reached.has(f));
      for (const w of entry.weights.filter((x) => x.regularizer && maker.weights.includes(x.variable))) {
        if (dropped)
          throw new UsageError(
            `the penalty on ${w.name} is kept on its ${maker.getClassName()}, where TF.js's own model.fit does not look: it would train without it; train with this library's fit, which counts it`,
          );
        if (isProximal(w.regularizer))
          throw new UsageError(
            `the penalty on ${w.name} is in proximal mode (,prox), which TF.js's own model.fit cannot apply; train with this library's fit, or drop ,prox`,
          );
      }
    }
  }
  const penalisedLayers = inv.layers.filter((e) => e.layer.losses.length > 0);
  const calls = lossCallsOf(
    model,
    penalisedLayers.map((e) => e.layer),
  );
  for (const entry of penalisedLayers) {
    const n = calls.get(entry.layer) ?? 0;
    if (n !== 1)
      throw new UsageError(
        `layer ${entry.name} is called ${n} times in the model (a shared layer, or a nested model used ${n} times): TF.js's own model.fit counts its penalties ${n} times (trains with ${n}·λ), while each weight carries its penalty once; train with this library's fit, which counts each penalty once`,
      );
  }
}

/** The weights TF.js's `model.fit` collected as the model was compiled (a Sequential's on the model it wraps), if it was. */
function compiledTrainable(model: tf.LayersModel): ReadonlySet<tf.LayerVariable> | undefined {
  const fitted = model instanceof tf.Sequential ? (model as unknown as { model?: tf.LayersModel }).model : model;
  const collected = (fitted as unknown as { collectedTrainableWeights?: tf.LayerVariable[] } | undefined)?.collectedTrainableWeights;
  return collected ? new Set(collected) : undefined;
}

/**
 * Throws a UsageError naming the weights made trainable after `model.compile` (`layer.trainable =
 * true`): TF.js's `model.fit` trains only the weights collected as it compiled that are trainable
 * still, so it leaves them as they are, while the record would count them among those trained.
 * (One frozen after `compile` is not trained, and recorded apart: true as it is.)
 */
function checkTrainableSinceCompile(model: tf.LayersModel): void {
  const collected = compiledTrainable(model);
  if (!collected) return;
  const missed = inventory(model).weights.filter((w) => w.trainable && !collected.has(w.variable));
  if (missed.length > 0)
    throw new UsageError(
      `${missed.map((w) => w.name).join(', ')} ${missed.length > 1 ? 'are' : 'is'} trainable now but ${missed.length > 1 ? 'were' : 'was'} not when the model was compiled: TF.js's own model.fit trains only the weights trainable at compile, so it would leave ${missed.length > 1 ? 'them' : 'it'} as ${missed.length > 1 ? 'they are' : 'it is'}, while the record would count ${missed.length > 1 ? 'them' : 'it'} as trained; call model.compile again after changing what is trainable (as Keras asks), or train with this library's fit`,
    );
}

/**
 * Throws a UsageError naming the weights when TF.js's own `model.fit` would stop at its first batch on
 * a trainable weight of an integer dtype that a gradient reaches (a custom layer's `addWeight(…,
 * 'int32', …, trainable: true)` read through `tf.cast`): TF.js's Cast gradient
 * passes the float32 gradient on to the int32 weight (TensorFlow gives an integer tensor none), and the
 * optimiser, assigning it a float32 update, throws "dtype of the new value (float32) and previous
 * value (int32) must match" — after updating the weights before it. Such a weight no gradient reaches
 * (`reachedByGradient`, one pass of the model) trains as TF.js trains it: not at all, recorded apart.
 */
function checkIntegerTrainable(model: tf.LayersModel): void {
  // What TF.js's fit trains: the weights collected at compile that are trainable still.
  const trained = [...(compiledTrainable(model) ?? new Set(model.trainableWeights))].filter((w) => w.trainable && !takesGradient(w));
  const reached = trained.length > 0 ? reachedByGradient(model, trained) : undefined;
  const refused = trained.filter((w) => reached?.has(w));
  if (refused.length === 0) return;
  const [them, they] = refused.length > 1 ? ['them', 'are'] : ['it', 'is'];
  throw new UsageError(
    `${refused.map((w) => `weight ${w.originalName} (${w.dtype})`).join(', ')} ${they} trainable and a gradient reaches ${them} (TF.js's tf.cast passes one on to an integer tensor): TF.js's own model.fit would give ${them} a float32 update and stop at its first batch ("dtype of the new value (float32) and previous value (${refused[0]!.dtype}) must match"), the weights updated before ${them} already changed; nothing was trained; train with this library's fit, which leaves an integer weight to its layer, or make ${them} non-trainable (addWeight(…, trainable: false))`,
  );
}

/** A callback of `model.fit` that records the weights after every epoch; `record` holds the run record so far. */
export interface WeightRecorder extends tf.CustomCallback {
  readonly record: RunRecord | undefined;
}

/**
 * A `model.fit` callback recording, at the start and after every epoch, the weights' histograms,
 * sparsity, per-layer and per-weight statistics, penalties and channel norms, with the losses and
 * metrics `fit` logs (`val_loss`/`val_acc` as the test scores when there is validation data).
 * `trainLoss` is the data loss alone, as in `fit`'s record: each batch's logged loss less the
 * penalties before its update. Stops the run (throws) when TF.js's `model.fit` would drop a penalty
 * (see `checkModelFitPenalties`), would not train a weight made trainable after `compile`, or would stop
 * at its first batch on a trainable int32 weight a gradient reaches (`checkIntegerTrainable`). On the wasm backend it registers the training kernels stock wasm
 * lacks as the run begins (`useTrainingKernels`), so TF.js's `model.fit` trains a Conv2D there too;
 * on a backend whose synchronous read-back is wrong it stops the run there (`checkReadBack`:
 * ReadBackError), before the first batch. The check follows the backend in use at each read, which a
 * page may switch during the run: again before every batch (whose penalty it reads) and every
 * snapshot, so a switch to such a backend stops the run at that batch (a lookup per backend after its
 * first probe).
 */
export function recordWeights(model: tf.LayersModel, options: { name?: string; data?: string; monitors?: readonly Monitor[] } = {}): WeightRecorder {
  checkMonitors(options.monitors ?? []);
  const monitors = new MonitorRun<WeightStatistics>([weightStatisticsMonitor()], options.monitors ?? []);
  /** The snapshot after `epoch`: the scores TF.js logged, then every monitor's section. */
  const snapshot = async (epoch: number, scores: Pick<WeightsSnapshot, 'testLoss' | 'testAcc' | 'testMetrics'>): Promise<WeightsSnapshot> => {
    const { fields, monitors: sections } = await monitors.epochEnd(epoch, { model });
    return { epoch, ...scores, ...(fields as WeightStatistics), ...(sections ? { monitors: sections } : {}) };
  };
  let record: RunRecord | undefined;
  let t0 = 0;
  let [dataSum, samples, penaltyBefore] = [0, 0, 0];
  /** Σ λ·penalty now, read with dataSync: checked on the backend in use now, which a page may have switched since the run began. */
  const penaltyNow = () => {
    checkReadBack();
    return tf.tidy(() => penaltyLoss(model).dataSync()[0] ?? 0);
  };
  const cb = new tf.CustomCallback({
    onTrainBegin: async (logs) => {
      // The backend first: the checks below read the weights with it.
      useTrainingKernels();
      checkReadBack();
      checkModelFitPenalties(model);
      checkTrainableSinceCompile(model);
      checkFiniteWeights(model);
      checkIntegerTrainable(model);
      await monitors.trainBegin({ model });
      const params = (cb as unknown as { params?: { epochs?: number; batchSize?: number; samples?: number; metrics?: string[] } }).params ?? {};
      record = {
        format: RUN_FORMAT,
        config: {
          name: options.name ?? recordedModelName(model),
          model: modelInfo(model),
          ...penaltyFields(model),
          optimizer: model.optimizer?.getClassName() ?? 'unknown',
          loss:
            typeof model.loss === 'string'
              ? model.loss
              : Array.isArray(model.loss)
                ? model.loss.map((l) => (typeof l === 'string' ? l : 'custom')).join(', ')
                : 'custom',
          metrics: (params.metrics ?? []).filter((m) => m !== 'loss' && !m.startsWith('val_')),
          trainer: 'model.fit',
          ...(options.monitors?.length ? { monitors: monitorInfos(options.monitors) } : {}),
          trackNorms: 'epoch',
          epochs: params.epochs ?? 0,
          batchSize: params.batchSize ?? 32,
          seed: 0,
          trainSize: params.samples ?? 0,
          testSize: 0,
          data: options.data ?? 'model.fit',
          backend: tf.getBackend(),
          threads: 1,
          versions: { '@tensorflow/tfjs': tf.version.tfjs ?? tf.version_core },
          startedAt: new Date().toISOString(),
        },
        initial: await snapshot(0, { testLoss: first(logs, ['val_loss']), testAcc: first(logs, ['val_acc', 'val_accuracy']) }),
        epochs: [],
      };
    },
    onEpochBegin: async () => {
      t0 = performance.now();
      [dataSum, samples] = [0, 0];
    },
    onBatchBegin: async () => {
      penaltyBefore = penaltyNow();
    },
    onBatchEnd: async (batch, logs) => {
      const size = numberOf(logs?.['size']) ?? 0;
      const dataLoss = (numberOf(logs?.['loss']) ?? NaN) - penaltyBefore;
      dataSum += dataLoss * size;
      samples += size;
      await monitors.batchEnd({ epoch: (record?.epochs.length ?? 0) + 1, batch: batch + 1, dataLoss, penaltyLoss: penaltyBefore, projected: {} }, { model });
    },
    onEpochEnd: async (epoch, logs) => {
      if (!record) return;
      const entry: EpochRecord = {
        ...(await snapshot(epoch + 1, {
          testLoss: first(logs, ['val_loss']),
          testAcc: first(logs, ['val_acc', 'val_accuracy']),
          testMetrics: metricsIn(logs, 'val_'),
        })),
        trainLoss: samples > 0 ? dataSum / samples : NaN,
        trainAcc: first(logs, ['acc', 'accuracy']),
        trainMetrics: metricsIn(logs, ''),
        seconds: (performance.now() - t0) / 1000,
      };
      record = { ...record, epochs: [...record.epochs, entry] };
    },
  });
  return Object.defineProperty(cb, 'record', { get: () => record }) as WeightRecorder;
}
