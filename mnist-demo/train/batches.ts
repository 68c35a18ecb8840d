/** Batches of a data split as tensors: images [n, 28, 28, 1] and one-hot labels [n, 10]. */
import { tf } from '../../src/index.ts';
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

/** Mean cross-entropy and accuracy of a logits model on a whole split, in chunks. */
export function evaluate(logits: tf.LayersModel, split: Split, chunk = 1000): { loss: number; acc: number } {
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < split.count; start += chunk) {
    const end = Math.min(split.count, start + chunk);
    const idx = Array.from({ length: end - start }, (_, i) => start + i);
    const [x, y] = batchTensors(split, idx);
    const [l, c] = tf.tidy(() => {
      const p = logits.predict(x) as tf.Tensor;
      const perSample = tf.losses.softmaxCrossEntropy(y, p, undefined, 0, tf.Reduction.NONE);
      return [tf.sum(perSample).dataSync()[0] ?? NaN, tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')).dataSync()[0] ?? NaN];
    });
    tf.dispose([x, y]);
    loss += l;
    correct += c;
  }
  return { loss: loss / split.count, acc: correct / split.count };
}
