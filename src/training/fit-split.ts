/**
 * The data `fit` trains and evaluates on: the training data and the validation data checked against
 * the model (shapes, inputs and outputs by name), then `validationSplit` applied as TF.js applies
 * it: the last share of the samples, before shuffling, validates.
 *
 * @example
 * splitSizes(model, { x, y }, { epochs: 1, validationSplit: 0.25 })   // 100 samples: { train: 75, validation: 25 }
 */

import { UsageError } from '../errors.ts';
import type { tf } from '../tf.ts';
import { type Batch, sliceBatch } from './batch-math.ts';
import { checkTensorData, type FitData, isTensorData, tensorsOf, validationOf } from './fit-data.ts';
import type { FitOptions } from './fit-options.ts';

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
export function splitSizes(model: tf.LayersModel, data: FitData, options: FitOptions): { train: number; validation: number } {
  const { train, validation, at } = checkedData(model, data, options);
  const n = train ? (train.xs[0]?.shape[0] ?? 0) : NaN;
  return at === undefined ? { train: n, validation: validation?.xs[0]?.shape[0] ?? 0 } : { train: at, validation: n - at };
}

/** The training batch (tensor data) and the validation batch, after `validationSplit` (then as new tensors, in `made`). */
export function splitOf(model: tf.LayersModel, data: FitData, options: FitOptions): { train?: Batch; validation?: Batch; made: tf.Tensor[] } {
  const { train, validation, at } = checkedData(model, data, options);
  if (at === undefined || !train) return { ...(train ? { train } : {}), ...(validation ? { validation } : {}), made: [] };
  const n = train.xs[0]?.shape[0] ?? 0;
  const [head, tail] = [sliceBatch(train, 0, at), sliceBatch(train, at, n - at)];
  return { train: head, validation: tail, made: [...tensorsOf(head), ...tensorsOf(tail)] };
}
