/**
 * Which of a layer's weights its channel norms (`ChannelNorms`) are of, by the weights' names, and
 * what a channel of it is. The convention: a channel is the slice of the weight one output unit, or
 * one token, owns — the norm over every other axis — which is what a norm constraint on that slice
 * bounds and what practitioners look at:
 *
 *   a separable convolution's `pointwise_kernel` [1…, in·mult, out]  ─► one per output channel (its last axis)
 *   else the first weight ending in `kernel`, e.g. Dense [in, out]   ─► one per output channel (its last axis,
 *        by `channelLayout` the second last of a transposed convolution): for a Dense, unit j's
 *        column ‖W[:, j]‖₂, the weights into it, bounded by `maxnorm:axis=0`
 *   else an Embedding's `embeddings` [tokens, dim]                 ─► one per row (token i's vector
 *        ‖E[i, :]‖₂, bounded by `maxnorm:axis=1`), not per column: a row is what one token maps to
 *
 * Names only, so that the monitors (on the model) and the figures (on a record) pick the same weight.
 */

/** A weight name's last part is `base`, with or without TF.js's uniqueness suffix (`emb/embeddings_1`). */
const endsIn = (name: string, base: string) => new RegExp(`(^|/)${base}(_\\d+)?$`).test(name);

/**
 * The index in `names` (a layer's weights' names, in its order) of the weight its channel norms are
 * of (see the file's comment); −1 when it has none (a BatchNormalization's).
 *
 * @example
 * normedWeightIndex(['sep/depthwise_kernel', 'sep/pointwise_kernel', 'sep/bias'])   // 1
 * normedWeightIndex(['dense/kernel', 'dense/bias'])                                 // 0
 * normedWeightIndex(['emb/embeddings'])                                             // 0
 */
export function normedWeightIndex(names: readonly string[]): number {
  const pointwise = names.findIndex((n) => endsIn(n, 'pointwise_kernel'));
  if (pointwise >= 0) return pointwise;
  const kernel = names.findIndex((n) => /kernel$/.test(n));
  return kernel >= 0 ? kernel : names.findIndex((n) => endsIn(n, 'embeddings'));
}

/**
 * True when the channel norms of the weight named `name` are of its rows (an Embedding's
 * `embeddings`: one per token), not of its output channels.
 *
 * @example
 * normsOfRows('emb/embeddings')   // true
 * normsOfRows('dense/kernel')     // false
 */
export function normsOfRows(name: string): boolean {
  return endsIn(name, 'embeddings');
}
