/**
 * The data `fit` trains on: `{ x, y }` tensors (batches in a seeded order that depends only on
 * (seed, epoch), so a resumed run sees the same batches) or a `tf.data.Dataset` of `{ xs, ys }`
 * batches (taken as they come). Shapes are checked against the model before anything trains.
 */
import { tf, type Tensor } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { permutation } from './random.ts';

export interface TensorData {
  /** Inputs, [n, …inputShape]. */
  readonly x: Tensor;
  /** Labels or targets, [n, …]. */
  readonly y: Tensor;
}

export type FitData = TensorData | tf.data.Dataset<{ xs: Tensor; ys: Tensor }>;

/** One epoch's batches: how many (NaN when unknown) and the batches themselves (disposed by the caller). */
export interface EpochBatches {
  readonly count: number;
  readonly samples: number;
  batches(epoch: number): AsyncIterable<[Tensor, Tensor]>;
}

export function isTensorData(d: unknown): d is TensorData {
  return typeof d === 'object' && d !== null && (d as TensorData).x instanceof tf.Tensor && (d as TensorData).y instanceof tf.Tensor;
}

const same = (a: readonly (number | null)[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === null || d === b[i]);

/** Checks (x, y) against each other and the model's input; `what` names them in messages. */
export function checkTensorData(model: tf.LayersModel, d: TensorData, what: string): void {
  const n = d.x.shape[0] ?? 0;
  if (d.x.rank < 1 || n === 0) throw new SpecError(`${what} has no samples (x has shape [${d.x.shape}]); give at least one`);
  if (d.y.shape[0] !== n) throw new SpecError(`${what}: x has ${n} samples but y has ${d.y.shape[0]}; give one label (row) per sample`);
  const input = model.inputs[0]?.shape.slice(1) ?? [];
  if (!same(input, d.x.shape.slice(1))) {
    throw new SpecError(`${what}: the model takes inputs of shape [${input.map((s) => s ?? '?')}] per sample, the data's are [${d.x.shape.slice(1)}]`);
  }
}

/** Batches of `batchSize` from tensors, in a seeded order per epoch (or in order without `shuffle`). */
export function tensorBatches(d: TensorData, batchSize: number, seed: number, shuffle: boolean): EpochBatches {
  const n = d.x.shape[0] ?? 0;
  return {
    count: Math.ceil(n / batchSize),
    samples: n,
    async *batches(epoch: number) {
      // The order depends only on (seed, epoch): a resumed run sees the same batches.
      const order = shuffle ? permutation(n, seed * 100_003 + epoch) : Uint32Array.from({ length: n }, (_, i) => i);
      for (let b = 0; b < n; b += batchSize) {
        const idx = tf.tensor1d(Int32Array.from(order.subarray(b, Math.min(n, b + batchSize))), 'int32');
        try {
          yield [tf.gather(d.x, idx), tf.gather(d.y, idx)];
        } finally {
          idx.dispose();
        }
      }
    },
  };
}

/** The batches of a dataset, as it yields them. */
export function datasetBatches(ds: tf.data.Dataset<{ xs: Tensor; ys: Tensor }>): EpochBatches {
  const count = Number.isFinite(ds.size) && ds.size !== null ? ds.size : NaN;
  return {
    count,
    samples: NaN,
    async *batches() {
      const it = await ds.iterator();
      for (let r = await it.next(); !r.done; r = await it.next()) yield [r.value.xs, r.value.ys];
    },
  };
}
