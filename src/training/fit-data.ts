/**
 * The data `fit` trains on, in TF.js's forms:
 *
 *   { x, y } tensors, or validationData as TF.js's [x, y]; x (and y) one tensor, an array of one per
 *   input (output) of the model in order, or a map by input (output) name
 *   a tf.data.Dataset of { xs, ys } batches (xs, ys in the same three forms), taken as they come
 *
 * Tensors are batched in a seeded order that depends only on (seed, epoch), so a resumed run sees
 * the same batches. Everything is put in the model's input and output order (a `Batch`) and
 * checked against the model before anything trains, with messages saying what to pass.
 */

import { DataError } from '../errors.ts';
import { inputNamesOf, outputNamesOf } from '../model/index.ts';
import { type Tensor, tf } from '../tf.ts';
import type { Batch } from './batch-math.ts';
import { nearest } from './option-keys.ts';
import { permutation } from './random.ts';

/** One tensor, one per input (output) in order, or a map by input (output) name. */
export type Tensors = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** Data as tensors: inputs `x` and targets `y`, the same number of samples n in each. */
export interface TensorData {
  /** Inputs, [n, …inputShape] (or one such per input of the model). */
  readonly x: Tensors;
  /** Labels or targets, [n, …] (or one such per output of the model). */
  readonly y: Tensors;
}

/** Validation data: `{ x, y }`, or TF.js's `[x, y]`. */
export type ValidationData = TensorData | readonly [Tensors, Tensors];

/** What a dataset for `fit` yields: batches of inputs and targets, each in one of the forms of `Tensors`. */
export type DatasetBatch = { xs: Tensor | Tensor[] | { [name: string]: Tensor }; ys: Tensor | Tensor[] | { [name: string]: Tensor } };

/** What `fit` trains on: tensors `{ x, y }`, or a `tf.data.Dataset` of `{ xs, ys }` batches. */
export type FitData = TensorData | tf.data.Dataset<DatasetBatch>;

/** One epoch's batches: how many (NaN when unknown) and the batches themselves (disposed by the caller when `owned`). */
export interface EpochBatches {
  readonly count: number;
  readonly samples: number;
  /** Whether the batches are new tensors the caller disposes (tensor data) or the dataset's own. */
  readonly owned: boolean;
  batches(epoch: number): AsyncIterable<Batch>;
}

const isTensors = (v: unknown): v is Tensors =>
  v instanceof tf.Tensor ||
  (Array.isArray(v) && v.length > 0 && v.every((t) => t instanceof tf.Tensor)) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 && Object.values(v).every((t) => t instanceof tf.Tensor));

/** True when `d` is `{ x, y }` with each a tensor, a non-empty array of tensors or a non-empty map of them. */
export function isTensorData(d: unknown): d is TensorData {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && isTensors((d as TensorData).x) && isTensors((d as TensorData).y);
}

/** Validation data in the `{ x, y }` form; a DataError saying what to pass otherwise. */
export function validationOf(v: unknown): TensorData | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 3) throw new DataError('validationData: sample weights ([x, y, weights]) are not supported; give [x, y]');
    if (v.length === 2 && isTensors(v[0]) && isTensors(v[1])) return { x: v[0], y: v[1] };
  } else if (isTensorData(v)) return v;
  throw new DataError(
    'validationData must be [x, y] (as TF.js takes it) or { x, y }, with x and y tensors (or, for a model of several inputs or outputs, arrays or maps by name of tensors)',
  );
}

/** `t` (one, an array or a map) as one tensor per name of `names`, in order; `what`: `x` or `y`, `kind`: `input` or `output`. */
export function inOrder(t: Tensors, names: readonly string[], what: string, kind: string): Tensor[] {
  const form = `give ${what} as ${names.length === 1 ? 'one tensor' : `[${names.join(', ')}] or { ${names.map((n) => `${n}: …`).join(', ')} }`}`;
  if (t instanceof tf.Tensor) {
    if (names.length !== 1) throw new DataError(`${what} is one tensor, but the model has ${names.length} ${kind}s (${names.join(', ')}); ${form}`);
    return [t];
  }
  if (Array.isArray(t)) {
    if (t.length !== names.length)
      throw new DataError(`${what} has ${t.length} tensors, but the model has ${names.length} ${kind}(s) (${names.join(', ')}); ${form}`);
    return [...(t as Tensor[])];
  }
  const map = t as Readonly<Record<string, Tensor>>;
  for (const k of Object.keys(map))
    if (!names.includes(k))
      throw new DataError(`${what} names ${kind} '${k}'${nearest(k, names)}, which the model does not have; its ${kind}s are ${names.join(', ')}`);
  return names.map((n) => {
    const v = map[n];
    if (!(v instanceof tf.Tensor)) throw new DataError(`${what} has no tensor for ${kind} '${n}'; ${form}`);
    return v;
  });
}

/** The data as a batch in the model's input and output order. */
export function batchOf(model: tf.LayersModel, d: TensorData): Batch {
  return { xs: inOrder(d.x, inputNamesOf(model), 'x', 'input'), ys: inOrder(d.y, outputNamesOf(model), 'y', 'output') };
}

const same = (a: readonly (number | null)[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === null || d === b[i]);
const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => d ?? '?')}]`;

/** Checks (x, y) against each other and the model's inputs; `what` names them in messages. Returns them as a batch. */
export function checkTensorData(model: tf.LayersModel, d: TensorData, what: string): Batch {
  let batch: Batch;
  try {
    batch = batchOf(model, d);
  } catch (err) {
    throw new DataError(`${what}: ${(err as Error).message}`);
  }
  const n = batch.xs[0]?.shape[0] ?? 0;
  const one = inputNamesOf(model).length === 1;
  batch.xs.forEach((x, i) => {
    const name = one ? 'x' : `x (${inputNamesOf(model)[i]})`;
    if (x.rank < 1 || x.shape[0] === 0) throw new DataError(`${what} has no samples (${name} has shape [${x.shape}]); give at least one`);
    if (x.shape[0] !== n)
      throw new DataError(`${what}: ${name} has ${x.shape[0]} samples but ${inputNamesOf(model)[0]} has ${n}; give the same samples to every input`);
    const input = model.inputs[i]?.shape.slice(1) ?? [];
    if (!same(input, x.shape.slice(1)))
      throw new DataError(
        `${what}: the model takes ${one ? 'inputs' : `input ${inputNamesOf(model)[i]}`} of shape ${shapeText(input)} per sample, the data's are [${x.shape.slice(1)}]`,
      );
  });
  batch.ys.forEach((y, i) => {
    if (y.shape[0] !== n)
      throw new DataError(
        `${what}: x has ${n} samples but ${outputNamesOf(model).length === 1 ? 'y' : `y (${outputNamesOf(model)[i]})`} has ${y.shape[0]}; give one label (row) per sample`,
      );
  });
  return batch;
}

/** Batches of `batchSize` from tensors, in a seeded order per epoch (or in order without `shuffle`). */
export function tensorBatches(data: Batch, batchSize: number, seed: number, shuffle: boolean): EpochBatches {
  const n = data.xs[0]?.shape[0] ?? 0;
  return {
    count: Math.ceil(n / batchSize),
    samples: n,
    owned: true,
    async *batches(epoch: number) {
      // The order depends only on (seed, epoch): a resumed run sees the same batches.
      const order = shuffle ? permutation(n, seed * 100_003 + epoch) : Uint32Array.from({ length: n }, (_, i) => i);
      for (let b = 0; b < n; b += batchSize) {
        const idx = tf.tensor1d(Int32Array.from(order.subarray(b, Math.min(n, b + batchSize))), 'int32');
        try {
          yield { xs: data.xs.map((x) => tf.gather(x, idx)), ys: data.ys.map((y) => tf.gather(y, idx)) };
        } finally {
          idx.dispose();
        }
      }
    },
  };
}

/** Each dataset's batch size, once read (fitToFolder and the fit it calls ask for it both). */
const batchSizes = new WeakMap<tf.data.Dataset<DatasetBatch>, number>();

/**
 * The samples in a dataset's first batch (its batch size): one element read from a fresh iterator,
 * then freed; read once per dataset.
 */
export async function datasetBatchSize(ds: tf.data.Dataset<DatasetBatch>): Promise<number> {
  const known = batchSizes.get(ds);
  if (known !== undefined) return known;
  const it = await ds.iterator();
  const first = await it.next();
  if (first.done || !first.value || !isTensors(first.value.xs))
    throw new DataError('a dataset for fit must yield { xs, ys } batches of tensors (arrays or maps by name for several inputs or outputs)');
  const xs = first.value.xs;
  const one = xs instanceof tf.Tensor ? xs : Array.isArray(xs) ? xs[0]! : Object.values(xs)[0]!;
  const size = one.shape[0] ?? 1;
  tf.dispose(first.value as unknown as tf.TensorContainer);
  batchSizes.set(ds, size);
  return size;
}

/** The batches of a dataset of { xs, ys }, as it yields them. */
export function datasetBatches(model: tf.LayersModel, ds: tf.data.Dataset<DatasetBatch>): EpochBatches {
  const count = Number.isFinite(ds.size) && ds.size !== null ? ds.size : NaN;
  return {
    count,
    samples: NaN,
    owned: false,
    async *batches() {
      const it = await ds.iterator();
      for (let r = await it.next(); !r.done; r = await it.next()) {
        if (!r.value || !isTensors(r.value.xs) || !isTensors(r.value.ys))
          throw new DataError('a dataset for fit must yield { xs, ys } batches of tensors (arrays or maps by name for several inputs or outputs)');
        yield batchOf(model, { x: r.value.xs, y: r.value.ys });
      }
    },
  };
}

/** Every tensor of a batch. */
export const tensorsOf = (b: Batch): Tensor[] => [...b.xs, ...b.ys];
