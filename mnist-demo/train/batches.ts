/** Batches of a data split as tensors: images [n, 28, 28, 1] and one-hot labels [n, 10]; evaluation. */
import { tf, type DataParallel } from '../../src/index.ts';
import { CLASSES, IMAGE_SIZE, PIXELS, type Split } from '../data/mnist.ts';

/** The batch of the samples at `indices` (positions in the split). */
export function batchTensors(split: Split, indices: ArrayLike<number>): [tf.Tensor4D, tf.Tensor2D] {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Float32Array(n * CLASSES);
  for (let i = 0; i < n; i++) {
    const src = indices[i] as number;
    x.set(split.images.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    y[i * CLASSES + (split.labels[src] as number)] = 1;
  }
  return [tf.tensor4d(x, [n, IMAGE_SIZE, IMAGE_SIZE, 1]), tf.tensor2d(y, [n, CLASSES])];
}

/** Mean cross-entropy and accuracy of a logits model on a whole split, shared among the data-parallel threads. */
export async function evaluate(dp: DataParallel, logits: tf.LayersModel, split: Split): Promise<{ loss: number; acc: number }> {
  const y = new Float32Array(split.count * CLASSES);
  for (let i = 0; i < split.count; i++) y[i * CLASSES + (split.labels[i] as number)] = 1;
  const { lossSum, correct } = await dp.evaluate(logits, split.images, y, split.count);
  return { loss: lossSum / split.count, acc: correct / split.count };
}
