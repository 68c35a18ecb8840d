/**
 * Per-layer L2 norms of the kernels' output channels (the slices along the kernel's last axis):
 * from values already downloaded (each epoch's snapshot), or on the backend in one download for
 * all layers (after every batch with `trackNorms: 'batch'`).
 */

import type { BatchNorms, ChannelNorms } from '../formats/index.ts';
import { inventory } from '../model/index.ts';
import { tf } from '../tf.ts';

/** The layer's kernel variable (its first weight whose name ends in `kernel`; an RNN's input kernel), if it has one. */
export function kernelOf(layer: tf.layers.Layer): tf.LayerVariable | undefined {
  return layer.weights.find((w) => /kernel$/.test(w.originalName));
}

/** ‖w[…, c]‖₂ for each channel c of a row-major kernel whose last axis has `channels` entries. */
export function normsOfValues(values: ArrayLike<number>, channels: number): number[] {
  const sums = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) sums[i % channels]! += (values[i] as number) ** 2;
  return Array.from(sums, Math.sqrt);
}

const stats = (n: ArrayLike<number>) => {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < n.length; i++) {
    sum += n[i] as number;
    max = Math.max(max, n[i] as number);
  }
  return { mean: sum / n.length, max };
};

/** The record of one layer's channel norms; `projected`: the epoch's mean share a constraint changed. */
export function channelNorms(layer: string, norms: number[], projected?: number): ChannelNorms {
  return { layer, norms, ...stats(norms), ...(projected === undefined ? {} : { projected }) };
}

/** Mean and max channel norm of every kernel, computed on the backend with a single download. */
export function batchNorms(model: tf.LayersModel, batch: number): BatchNorms {
  const kernels = inventory(model).layers.flatMap((entry) => {
    const kernel = kernelOf(entry.layer);
    return kernel ? [{ layer: entry.name, channels: kernel.shape[kernel.shape.length - 1] ?? 1, kernel }] : [];
  });
  const all = tf.tidy(() =>
    tf.concat(kernels.map(({ kernel, channels }) => tf.sqrt(tf.sum(tf.square(tf.reshape(kernel.read(), [-1, channels])), 0)))).dataSync(),
  );
  let at = 0;
  return {
    batch,
    layers: kernels.map(({ layer, channels }) => {
      const n = all.subarray(at, (at += channels));
      return { layer, ...stats(n) };
    }),
  };
}
