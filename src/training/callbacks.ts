/**
 * For users of TF.js's own `model.fit`: callbacks that record the same per-epoch weight record as
 * `fit` does, and that apply every layer's constraint after each batch (TF.js's `fit` ignores
 * `kernelConstraint`, tensorflow/tfjs#3345).
 *
 * @example
 * const recorder = recordWeights(model, { name: 'my-run' });
 * await model.fit(x, y, { epochs: 5, validationData: [xv, yv], callbacks: [enforceConstraints(model), recorder] });
 * recorder.record;   // { format: 'penalty-explorer/run@2', initial, epochs: [...] }
 */
import { tf } from '../tf.ts';
import { snapshotWeights } from '../monitor/snapshot.ts';
import { modelInfo, penaltyFields } from '../record/config.ts';
import { RUN_FORMAT, type EpochRecord, type RunRecord } from '../record/schema.ts';
import { penaltyLoss } from './batch-math.ts';
import { applyConstraints } from './constraints.ts';

/** After every batch of `model.fit`, project each constrained weight: w ← constraint(w). */
export function enforceConstraints(model: tf.LayersModel): tf.CustomCallback {
  return new tf.CustomCallback({
    onBatchEnd: async () => {
      applyConstraints(model);
    },
  });
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const first = (logs: tf.Logs | undefined, keys: readonly string[]) => num(keys.map((k) => logs?.[k]).find((v) => v !== undefined));

/** A callback of `model.fit` that records the weights after every epoch; `record` holds the run record so far. */
export interface WeightRecorder extends tf.CustomCallback {
  readonly record: RunRecord | undefined;
}

/**
 * A `model.fit` callback recording, at the start and after every epoch, the weights' histograms,
 * sparsity, per-layer statistics and channel norms, with the losses and accuracies `fit` logs
 * (`val_loss`/`val_acc` as the test scores when there is validation data).
 */
export function recordWeights(model: tf.LayersModel, options: { name?: string; data?: string } = {}): WeightRecorder {
  let record: RunRecord | undefined;
  let t0 = 0;
  const penaltyOf = () => tf.tidy(() => penaltyLoss(model).dataSync()[0] ?? 0);
  const cb = new tf.CustomCallback({
    onTrainBegin: async (logs) => {
      const params = (cb as unknown as { params?: { epochs?: number; batchSize?: number; samples?: number } }).params ?? {};
      record = {
        format: RUN_FORMAT,
        config: {
          name: options.name ?? model.name,
          model: modelInfo(model),
          ...penaltyFields(model),
          optimizer: model.optimizer?.getClassName() ?? 'unknown',
          loss: typeof model.loss === 'string' ? model.loss : 'custom',
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
        initial: snapshotWeights(model, 0, { loss: first(logs, ['val_loss']), acc: first(logs, ['val_acc', 'val_accuracy']) }),
        epochs: [],
      };
    },
    onEpochBegin: async () => {
      t0 = performance.now();
    },
    onEpochEnd: async (epoch, logs) => {
      if (!record) return;
      const entry: EpochRecord = {
        ...snapshotWeights(model, epoch + 1, { loss: first(logs, ['val_loss']), acc: first(logs, ['val_acc', 'val_accuracy']) }),
        trainLoss: first(logs, ['loss']) ?? NaN,
        penaltyLoss: penaltyOf(),
        trainAcc: first(logs, ['acc', 'accuracy']),
        seconds: (performance.now() - t0) / 1000,
      };
      record = { ...record, epochs: [...record.epochs, entry] };
    },
  });
  return Object.defineProperty(cb, 'record', { get: () => record }) as WeightRecorder;
}
