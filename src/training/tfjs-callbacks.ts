/**
 * TF.js's own callbacks in `fit`: `tf.callbacks.earlyStopping(…)`, any `tf.CustomCallback` or
 * `tf.Callback` subclass, driven as TF.js's `model.fit` drives them —
 *
 *   setModel(model), setParams({ epochs, samples, steps, batchSize, doValidation, metrics })
 *   onTrainBegin ─► per epoch (0-based, as TF.js counts): onEpochBegin ─► per batch: onBatchBegin
 *   ─► onBatchEnd({ batch, size, loss, acc, … }) ─► onEpochEnd({ loss, acc, val_loss, val_acc, … })
 *   ─► onTrainEnd
 *
 * `loss` in the logs is the data loss plus the penalties, as TF.js logs it; `val_loss` the data loss
 * on the validation data. A callback stops training by setting `model.stopTraining` (TF.js's
 * early stopping does): `fit` checks it after every epoch.
 */

import type { RunRecord } from '../formats/index.ts';
import { tf } from '../tf.ts';
import type { Batch } from './batch-math.ts';
import type { StepResult } from './step.ts';

/** A TF.js callback: what `model.fit` calls (tfjs-layers' BaseCallback, whose type it does not export). */
export interface TfCallback {
  setParams(params: tf.CustomCallbackArgs | Record<string, unknown>): void;
  setModel(model: tf.LayersModel): void;
  onTrainBegin?(logs?: tf.Logs): Promise<void> | void;
  onTrainEnd?(logs?: tf.Logs): Promise<void> | void;
  onEpochBegin?(epoch: number, logs?: tf.Logs): Promise<void> | void;
  onEpochEnd?(epoch: number, logs?: tf.Logs): Promise<void> | void;
  onBatchBegin?(batch: number, logs?: tf.Logs): Promise<void> | void;
  onBatchEnd?(batch: number, logs?: tf.Logs): Promise<void> | void;
}

/** True for TF.js's callbacks (they have `setParams` and `setModel`; this library's `FitCallback` has neither). */
export function isTfCallback(c: unknown): c is TfCallback {
  return typeof c === 'object' && c !== null && typeof (c as TfCallback).setParams === 'function' && typeof (c as TfCallback).setModel === 'function';
}

/** TF.js's callbacks of one `fit`, with its parameters. */
export class TfCallbacks {
  private last: tf.Logs = {};

  constructor(
    private readonly callbacks: readonly TfCallback[],
    private readonly model: tf.LayersModel,
    params: { epochs: number; initialEpoch: number; samples: number; steps: number; batchSize: number; doValidation: boolean; metrics: string[] },
  ) {
    if (callbacks.length === 0) return;
    // A Sequential model keeps `stopTraining` on its inner model, made when it is built.
    if (model instanceof tf.Sequential && !model.built) model.build();
    for (const c of callbacks) {
      c.setModel(model);
      c.setParams({
        ...params,
        samples: Number.isFinite(params.samples) ? params.samples : null,
        steps: Number.isFinite(params.steps) ? params.steps : null,
        verbose: 0,
      });
    }
    // As TF.js's fit does: a stop asked for by an earlier run does not carry over.
    model.stopTraining = false;
  }

  /** True when a callback asked training to stop (`model.stopTraining`). */
  get stopRequested(): boolean {
    try {
      return this.model.stopTraining === true;
    } catch {
      // An unbuilt Sequential model has no such flag: nothing asked to stop.
      return false;
    }
  }

  async trainBegin(): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.({});
  }

  /** `epoch` is this library's (1, 2, …); TF.js's callbacks count from 0. */
  async epochBegin(epoch: number): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch - 1, {});
  }

  async batchBegin(batch: number, b: Batch): Promise<void> {
    if (this.callbacks.length === 0) return;
    const logs = { batch, size: b.xs[0]?.shape[0] ?? 0 };
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }

  async batchEnd(batch: number, r: StepResult): Promise<void> {
    if (this.callbacks.length === 0) return;
    const logs: tf.Logs = { batch, size: r.sums.n, loss: r.dataLoss + r.penaltyLoss, ...(Number.isFinite(r.accuracy) ? { acc: r.accuracy } : {}) };
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }

  async epochEnd(epoch: number, logs: tf.Logs): Promise<void> {
    this.last = logs;
    // Each callback gets its own copy: TF.js's callbacks may resolve or change the logs in place.
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch - 1, { ...logs });
  }

  async trainEnd(_record: RunRecord): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.({ ...this.last });
  }

  /** Leave the model as TF.js's fit does: not asked to stop. */
  release(): void {
    if (this.stopRequested) this.model.stopTraining = false;
  }
}
