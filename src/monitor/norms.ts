/**
 * Per-layer L2 norms of the kernels' output channels (an Embedding's rows): from values already
 * downloaded (each epoch's snapshot), or on the backend in one download for all layers (after every
 * batch with `trackNorms: 'batch'`). Which weight a layer's norms are of, and why a channel is what it
 * is, is the record's convention (formats' `normedWeightIndex`); where the weight keeps them:
 *
 *   Dense [in, out], Conv1D/2D/3D [k…, in, out], an RNN's input kernel  ─► the last axis
 *   DepthwiseConv2D depthwise_kernel [kh, kw, in, mult]                 ─► the last two axes (in·mult channels)
 *   SeparableConv1D/2D pointwise_kernel [1…, in·mult, out]              ─► the last axis of the pointwise kernel
 *   Conv2DTranspose/Conv3DTranspose kernel [k…, out, in]               ─► the second last axis
 *   Embedding embeddings [tokens, dim]                                  ─► the first axis (a norm per token's row)
 *
 * so channel c holds the values at flat (row-major) index i with ⌊i / inner⌋ mod channels = c.
 */

import { type BatchNorms, type ChannelNorms, normedWeightIndex, normsOfRows } from '../formats/index.ts';
import { inventory, makersOf, weightBaseName } from '../model/index.ts';
import { tf } from '../tf.ts';
import { chunkOf } from './chunks.ts';

/**
 * The weight of `layer` whose channel norms are the layer's (formats' `normedWeightIndex`): a separable
 * convolution's pointwise kernel, else its first other kernel (an RNN's input kernel; formats'
 * `weightKind`), else an Embedding's `embeddings`; undefined when it has none of these.
 */
export function kernelOf(layer: tf.layers.Layer): tf.LayerVariable | undefined {
  return layer.weights[normedWeightIndex(layer.weights.map((w) => w.originalName))];
}

/**
 * Where a kernel keeps its output channels: `channels` of them, each run `inner` values long in its
 * row-major data; `axes`, ascending, the axes each channel's norm is taken over (every axis but the
 * channels'), which the record states (`WeightInfo.normedAxes`).
 */
export interface ChannelLayout {
  readonly kernel: tf.LayerVariable;
  readonly channels: number;
  readonly inner: number;
  readonly axes: number[];
}

/** The axes 0…rank−1 but `along`. */
const allBut = (rank: number, ...along: number[]) => Array.from({ length: rank }, (_, i) => i).filter((a) => !along.includes(a));

/**
 * The layout of the output channels of `layer`'s kernel (see the file's comment), if it has a kernel.
 *
 * @example
 * channelLayout(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }))   // built on 4 channels: { channels: 8, inner: 1, axes: [0, 1] }
 * channelLayout(tf.layers.conv2dTranspose({ filters: 6, kernelSize: 2 }))             // built on 3 channels: { channels: 6, inner: 3, axes: [0, 1, 3] }
 * channelLayout(tf.layers.embedding({ inputDim: 10, outputDim: 4 }))                 // built: { channels: 10, inner: 4, axes: [1] } (its rows)
 */
export function channelLayout(layer: tf.layers.Layer): ChannelLayout | undefined {
  const kernel = kernelOf(layer);
  if (!kernel) return undefined;
  const shape = kernel.shape;
  const rank = shape.length;
  const last = shape[rank - 1] ?? 1;
  const before = rank > 1 ? (shape[rank - 2] ?? 1) : 1;
  const maker = makersOf(layer).find((m) => m.weights.includes(kernel)) ?? layer;
  if (weightBaseName(kernel.originalName) === 'depthwise_kernel') return { kernel, channels: before * last, inner: 1, axes: allBut(rank, rank - 2, rank - 1) };
  if (normsOfRows(kernel.originalName))
    return { kernel, channels: shape[0] ?? 1, inner: shape.slice(1).reduce((a: number, d) => a * (d ?? 1), 1), axes: allBut(rank, 0) };
  if (/Transpose$/.test(maker.getClassName())) return { kernel, channels: before, inner: last, axes: allBut(rank, rank - 2) };
  return { kernel, channels: last, inner: 1, axes: allBut(rank, rank - 1) };
}

/** Each layer's channel kernel with where it keeps its output channels (`channelLayout`), by variable. */
export function channelLayouts(model: tf.LayersModel): Map<tf.LayerVariable, ChannelLayout> {
  const out = new Map<tf.LayerVariable, ChannelLayout>();
  for (const { layer } of inventory(model).layers) {
    const layout = channelLayout(layer);
    if (layout) out.set(layout.kernel, layout);
  }
  return out;
}

/**
 * ‖channel c‖₂ for each of `channels` channels of a row-major kernel whose channel c holds the
 * values at index i with ⌊i / inner⌋ mod channels = c (`inner` 1: the last axis).
 *
 * @example
 * normsOfValues([3, 0, 4, 0], 2)      // [5, 0]: columns of [[3, 0], [4, 0]]
 * normsOfValues([3, 4, 0, 0], 2, 2)   // [5, 0]: rows of [[3, 4], [0, 0]]
 */
export function normsOfValues(values: ArrayLike<number>, channels: number, inner = 1): number[] {
  const sums = new Float64Array(channels);
  // c = ⌊i / inner⌋ mod channels, counted along rather than divided out per value.
  let [c, k] = [0, 0];
  for (let i = 0; i < values.length; i++) {
    sums[c]! += (values[i] as number) ** 2;
    if (++k === inner) {
      k = 0;
      if (++c === channels) c = 0;
    }
  }
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

/**
 * Mean and max channel norm of every kernel, with a single download: each channel's Σw² taken on
 * the backend in chunks of its rows (`chunkOf`), the chunks added up here in float64, so a long
 * channel's norm does not drift (65 536 rows of 1e-3: 0.25590 for 0.256 from one float32 sum).
 *
 * Formula: ‖channel c‖₂ = √(Σ_chunks Σ_{rows in chunk} w²)
 */
export function batchNorms(model: tf.LayersModel, batch: number): BatchNorms {
  const kernels = inventory(model).layers.flatMap((entry) => {
    const layout = channelLayout(entry.layer);
    if (!layout) return [];
    const rows = layout.kernel.shape.reduce((a: number, d) => a * (d ?? 1), 1) / (layout.channels * layout.inner);
    // At most 65 536 numbers downloaded per kernel: chunks × channels.
    return [{ layer: entry.name, ...layout, rows, chunk: chunkOf(rows, Math.max(1, Math.floor(65_536 / layout.channels))) }];
  });
  const all = tf.tidy(() =>
    tf
      .concat(
        kernels.map(({ kernel, channels, inner, rows, chunk }) =>
          tf.reshape(tf.sum(tf.square(tf.reshape(kernel.read(), [rows / chunk, chunk, channels, inner])), [1, 3]), [-1]),
        ),
      )
      .dataSync(),
  );
  let at = 0;
  return {
    batch,
    layers: kernels.map(({ layer, channels, rows, chunk }) => {
      const sums = new Float64Array(channels);
      for (let i = 0; i < (rows / chunk) * channels; i++) sums[i % channels]! += all[at + i] as number;
      at += (rows / chunk) * channels;
      return { layer, ...stats(Array.from(sums, Math.sqrt)) };
    }),
  };
}
