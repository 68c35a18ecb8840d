/** Per-layer L2 norms of the kernels' output channels (the slices along the kernel's last axis). */
import { tf } from '../../src/index.ts';
import type { BatchNorms, ChannelNorms } from '../run-record.ts';

function kernels(model: tf.LayersModel): Array<{ layer: string; kernel: tf.LayerVariable }> {
  return model.layers.flatMap((layer) => {
    const kernel = layer.weights.find((w) => w.originalName.endsWith('/kernel'));
    return kernel ? [{ layer: layer.name, kernel }] : [];
  });
}

function normsOf(kernel: tf.LayerVariable): Float32Array {
  return tf.tidy(() => {
    const k = kernel.read();
    return tf.sqrt(tf.sum(tf.square(tf.reshape(k, [-1, k.shape[k.rank - 1] ?? 1])), 0)).dataSync() as Float32Array;
  });
}

/** `projected`: per kernel name (`conv2d_1/kernel`), the epoch's mean share of channels a constraint changed. */
export function channelNorms(model: tf.LayersModel, projected?: Readonly<Record<string, number>>): ChannelNorms[] {
  return kernels(model).map(({ layer, kernel }) => {
    const n = Array.from(normsOf(kernel));
    const share = projected?.[kernel.originalName];
    return { layer, norms: n, mean: n.reduce((s, x) => s + x, 0) / n.length, max: Math.max(...n), ...(share === undefined ? {} : { projected: share }) };
  });
}

export function batchNorms(model: tf.LayersModel, batch: number): BatchNorms {
  return {
    batch,
    layers: kernels(model).map(({ layer, kernel }) => {
      const n = normsOf(kernel);
      let sum = 0;
      let max = 0;
      for (const x of n) {
        sum += x;
        if (x > max) max = x;
      }
      return { layer, mean: sum / n.length, max };
    }),
  };
}
