/**
 * Which of a layer's weights its channel norms (`ChannelNorms`) are of, by the weights' names, and
 * what a channel of it is. The convention: a channel is the slice of the weight one output unit, or
 * one token, owns — the norm over every other axis — which is what a norm constraint on that slice
 * bounds and what practitioners look at:
 *
 *   a separable convolution's `pointwise_kernel` [1…, in·mult, out]  ─► one per output channel (its last axis)
 *   else its first other kernel (weight-kind.ts), e.g. Dense [in, out] ─► one per output channel (its last axis,
 *        by `channelLayout` the second last of a transposed convolution): for a Dense, unit j's
 *        column ‖W[:, j]‖₂, the weights into it, bounded by `maxnorm:axis=0`
 *   else an Embedding's `embeddings` [tokens, dim]                 ─► one per row (token i's vector
 *        ‖E[i, :]‖₂, bounded by `maxnorm:axis=1`), not per column: a row is what one token maps to
 *
 * On the live model by names and kinds (weight-kind.ts's rule: `normedWeightIndex`). A record says
 * which weight it took, and the axes its norms are over, on that weight (`WeightInfo.normedAxes`,
 * written by the monitor, which knows the layer's class: a Conv2DTranspose's [k…, out, in] is normed
 * over all but its second last); `recordedNormedWeight` and `normedAxes` read them from there. A record
 * written before it stated them is read by what its writer did, where the record can tell:
 *
 *   the normed weight  ─► by name, as that writer took it (its recorded `kind` was not its rule); a
 *                         separable convolution's by the norm count: writers before Dec 4 2026
 *                         (456e407) took its first kernel, `depthwise_kernel` [k…, in, mult] (mult
 *                         norms), later ones its `pointwise_kernel` [1…, in·mult, out] (out norms);
 *                         unknown (undefined) where mult = out
 *   the axes           ─► from the shape and the norm count; unknown (undefined) for a kernel whose
 *                         last two axes are equal: a Conv2D's [k…, in, out] was normed over all but its
 *                         last, a Conv2DTranspose's [k…, out, in] over all but its last by writers
 *                         before Dec 4 2026 (456e407), all but its second last after, and such a
 *                         record names neither the layer's class nor its writer's version. A
 *                         DepthwiseConv2D's `depthwise_kernel` [kh, kw, in, mult]: over all but its
 *                         last (mult norms) before 456e407, all but its last two (in·mult) after —
 *                         told by the count (at in = 1 the two are the same norms)
 *
 * A record stating `madeBy` (Dec 5 2026, 463f472) was written after 456e407.
 */

import type { NormBounds, WeightInfo, WeightKind } from './run.ts';
import { kindOf, weightKind } from './weight-kind.ts';

/** A weight name's last part is `base`, with or without TF.js's uniqueness suffix (`emb/embeddings_1`). */
const endsIn = (name: string, base: string) => new RegExp(`(^|/)${base}(_\\d+)?$`).test(name);

/**
 * The index in `names` (a live layer's weights, in its order) of the weight its channel norms are of
 * (see the file's comment); −1 when it has none (a BatchNormalization's, a custom layer's whose
 * weights are not kernels). A kernel is one of kind `kernel` (weight-kind.ts's `weightKind`).
 *
 * @example
 * normedWeightIndex(['sep/depthwise_kernel', 'sep/pointwise_kernel', 'sep/bias'])   // 1
 * normedWeightIndex(['dense/kernel', 'dense/bias'])                                 // 0
 * normedWeightIndex(['emb/embeddings'])                                             // 0
 * normedWeightIndex(['mix/my_kernel'])                                              // -1
 */
export function normedWeightIndex(names: readonly string[]): number {
  const pointwise = names.findIndex((n) => endsIn(n, 'pointwise_kernel'));
  if (pointwise >= 0) return pointwise;
  const kernel = names.findIndex((n) => weightKind(n) === 'kernel' && !normsOfRows(n));
  return kernel >= 0 ? kernel : names.findIndex((n) => weightKind(n) === 'kernel');
}

/** A record's weight as `recordedNormedWeight` reads it: a separable convolution's kernels by their shapes. */
type RecordedWeight = Pick<WeightInfo, 'name' | 'layer' | 'normedAxes'> & Partial<Pick<WeightInfo, 'shape' | 'madeBy'>>;

/** The size of the last axis of a weight's recorded shape (undefined without one). */
const lastAxis = (w: { readonly shape?: readonly number[] | undefined }) => w.shape?.at(-1);

/**
 * The weight of `layer` among `weights` (a record's `config.weights`) whose channel norms the record
 * holds (`channels` of them), as the record says: the one it states `normedAxes` on (none in the
 * layer: none). A record that states them on no weight was written before it did (Dec 7 2026,
 * b85df35); its writer took, by name, a `pointwise_kernel`, else the first weight whose name ends in
 * `kernel`, else an `embeddings` — not by the `kind` it recorded, which then called any name ending
 * in `kernel` or `embeddings` a kernel: such a record's `x/my_embeddings` is of kind `kernel`, but
 * its norms were never taken. Before Dec 4 2026 (456e407) the first such name was taken even in a
 * separable convolution, its `depthwise_kernel`: which of the two, by the count (`separableNormed`);
 * undefined where the record cannot tell.
 *
 * @example
 * recordedNormedWeight(record.config.weights, 'x')       // x/kernel of an older record whose x/my_embeddings is of kind kernel
 * recordedNormedWeight(record.config.weights, 'sep', 2)  // sep/depthwise_kernel [3, 3, 4, 2] of a record before 456e407 (its pointwise [1, 1, 8, 5])
 */
export function recordedNormedWeight<W extends RecordedWeight>(weights: readonly W[], layer: string, channels?: number): W | undefined {
  return recordedNormed(weights, layer, channels).weight;
}

/** `recordedNormedWeight`'s weight, or (undefined) why the record cannot tell which it is, where it can say. */
function recordedNormed<W extends RecordedWeight>(
  weights: readonly W[],
  layer: string,
  channels: number | undefined,
): { weight?: W | undefined; why?: string } {
  const mine = weights.filter((w) => w.layer === layer);
  if (weights.some((w) => w.normedAxes)) return { weight: mine.find((w) => w.normedAxes) };
  const pointwise = mine.find((w) => endsIn(w.name, 'pointwise_kernel'));
  if (pointwise) return separableNormed(mine, pointwise, channels);
  return { weight: mine.find((w) => /kernel$/.test(w.name)) ?? mine.find((w) => endsIn(w.name, 'embeddings')) };
}

/**
 * Which kernel of a separable convolution (its weights `mine`, its `pointwise` kernel) a record
 * without `normedAxes` holds the `channels` norms of: the pointwise kernel's (out norms) for a writer
 * from Dec 4 2026 (456e407; a record stating `madeBy` is one), the depthwise kernel's (mult norms)
 * before; `weight` undefined where out = mult or no norms are recorded, with `why` in words.
 */
function separableNormed<W extends RecordedWeight>(mine: readonly W[], pointwise: W, channels: number | undefined): { weight?: W; why?: string } {
  const depthwise = mine.find((w) => w.name !== pointwise.name && /kernel$/.test(w.name));
  if (!depthwise || pointwise.madeBy !== undefined) return { weight: pointwise };
  const [out, mult] = [lastAxis(pointwise), lastAxis(depthwise)];
  if (channels !== undefined && out !== mult) {
    if (channels === out) return { weight: pointwise };
    if (channels === mult) return { weight: depthwise };
  }
  const of = (w: W, what: string) => `${w.name} [${w.shape?.join(', ')}] (${what})`;
  const why = channels === undefined ? 'it holds no norms of them' : out === mult ? `both have ${out} on their last axis` : `its ${channels} norms fit neither`;
  return {
    why: `a record written before it stated normedAxes cannot tell whether they are of ${of(depthwise, 'one per depth multiplier, by an older penx')} or ${of(pointwise, 'one per output channel')}: ${why}`,
  };
}

/**
 * Why the record cannot tell what the `channels` channel norms of `layer` are, in words naming the
 * readings: of which of a separable convolution's kernels (`recordedNormedWeight`), or over which axes
 * of its weight (`unknownAxesWhy`); undefined when it can, or the layer has no normed weight.
 *
 * @example
 * recordedNormsUnknownWhy(record.config.weights, 'sep', 2)
 * // 'a record written before it stated normedAxes cannot tell whether they are of sep/depthwise_kernel [3, 3, 4, 2] (one per depth
 * //  multiplier, by an older penx) or sep/pointwise_kernel [1, 1, 8, 2] (one per output channel): both have 2 on their last axis'
 */
export function recordedNormsUnknownWhy(weights: readonly WeightInfo[], layer: string, channels?: number): string | undefined {
  const { weight, why } = recordedNormed(weights, layer, channels);
  return weight ? unknownAxesWhy(weight, channels) : why;
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

/** Ascending, without repeats. */
const sorted = (axes: readonly number[]) => [...new Set(axes)].sort((a, b) => a - b);

/**
 * A weight as the record states it, for the rules below: its name, shape, and (records that state them)
 * the axes its channel norms were taken over and its kind.
 */
export type NormedWeight = Pick<WeightInfo, 'name' | 'shape' | 'normedAxes' | 'madeBy'> & { readonly kind?: WeightKind | undefined };

/**
 * Whether `weight`, a kernel whose recorded norms number `channels`, is a transposed convolution's
 * [k…, out, in] (TF.js keeps a Conv2DTranspose's input channels last; its norms are of its output
 * channels, the second last axis): by its recorded `normedAxes` (the second last axis not among
 * them) or `madeBy` where the record states them; else by the count, undefined when that cannot
 * tell — its out = in, or no norms recorded. A kernel of rank < 3 is none.
 *
 * @example
 * transposedKernel({ name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)                            // true
 * transposedKernel({ name: 'c/kernel', shape: [3, 3, 1, 32] }, 32)                           // false
 * transposedKernel({ name: 'k/kernel', shape: [2, 2, 4, 4] }, 4)                             // undefined: a Conv2D's or a Conv2DTranspose's
 * transposedKernel({ name: 'up/kernel', shape: [2, 2, 4, 4], normedAxes: [0, 1, 3] }, 4)    // true
 */
function transposedKernel(weight: NormedWeight, channels: number | undefined): boolean | undefined {
  const rank = weight.shape.length;
  if (rank < 3) return false;
  if (weight.normedAxes) return !weight.normedAxes.includes(rank - 2);
  if (weight.madeBy !== undefined) return /Transpose$/.test(weight.madeBy);
  const [before, last] = [weight.shape[rank - 2], weight.shape[rank - 1]];
  return channels === undefined || before === last ? undefined : channels === before;
}

/**
 * The axes of `weight` its channel norms are taken over: its recorded `normedAxes` where the record
 * states them, else every axis but its channels' (see the file's comment), inferred. `channels`, how
 * many norms were recorded, tells a transposed convolution's kernel [k…, out, in] (its channels on the
 * second last axis) from others [k…, in, out]. Undefined when the record cannot tell (`transposedKernel`):
 * a kernel of out = in in a record without `normedAxes` (see the file's comment) — never guessed.
 *
 * @example
 * normedAxes({ name: 'dense/kernel', shape: [784, 16] })                          // [0]: unit j's column
 * normedAxes({ name: 'conv/kernel', shape: [3, 3, 1, 32] }, 32)                   // [0, 1, 2]: each filter
 * normedAxes({ name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)                       // [0, 1, 3]: a transposed convolution's
 * normedAxes({ name: 'up/kernel', shape: [2, 2, 4, 4], normedAxes: [0, 1, 3] })  // [0, 1, 3]: as recorded
 * normedAxes({ name: 'up/kernel', shape: [2, 2, 4, 4] }, 4)                       // undefined: a Conv2D's [0, 1, 2] or a Conv2DTranspose's [0, 1, 3]
 * normedAxes({ name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 8)             // [0, 1]: in·mult channels
 * normedAxes({ name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 2)             // [0, 1, 2]: one per multiplier, by an older penx
 * normedAxes({ name: 'emb/embeddings', shape: [20, 8] })                          // [1]: token i's row
 */
export function normedAxes(weight: NormedWeight, channels?: number): number[] | undefined {
  if (weight.normedAxes) return sorted(weight.normedAxes);
  const { name, shape } = weight;
  const rank = shape.length;
  const all = Array.from({ length: rank }, (_, i) => i);
  if (normsOfRows(name)) return all.slice(1);
  if (endsIn(name, 'depthwise_kernel')) return depthwiseAxes(weight, channels);
  if (endsIn(name, 'pointwise_kernel')) return all.slice(0, -1);
  const transposed = transposedKernel(weight, channels);
  return transposed === undefined ? undefined : all.filter((a) => a !== rank - (transposed ? 2 : 1));
}

/**
 * The axes a `depthwise_kernel` [k…, in, mult] without recorded `normedAxes` was normed over, by the
 * count of its `channels` norms: in·mult of them over all but its last two axes (writers from Dec 4
 * 2026, 456e407, as is any record stating `madeBy`), mult of them over all but its last (before);
 * at in = 1 the two are the same norms. Undefined where the count fits neither, or none is recorded.
 */
function depthwiseAxes(weight: NormedWeight, channels: number | undefined): number[] | undefined {
  const all = weight.shape.map((_, i) => i);
  const [before, last] = [weight.shape.at(-2) ?? 1, weight.shape.at(-1) ?? 1];
  if (weight.madeBy !== undefined || channels === before * last) return all.slice(0, -2);
  return channels === last ? all.slice(0, -1) : undefined;
}

/**
 * Why the axes of `weight`'s norms (`channels` of them) are unknown (`normedAxes` undefined), in words
 * naming both readings; undefined when they are known.
 *
 * @example
 * unknownAxesWhy({ name: 'up/kernel', shape: [2, 2, 4, 4] }, 4)
 * // 'a record written before it stated normedAxes cannot tell whether they are over axis=0+1+2 (a Conv2D's output
 * //  channels; a Conv2DTranspose's input channels, by an older penx) or axis=0+1+3 (a Conv2DTranspose's
 * //  output channels): its kernel [2, 2, 4, 4] has out = in'
 */
export function unknownAxesWhy(weight: NormedWeight, channels?: number): string | undefined {
  if (normedAxes(weight, channels) !== undefined) return undefined;
  const rank = weight.shape.length;
  const but = (axis: number) =>
    Array.from({ length: rank }, (_, i) => i)
      .filter((a) => a !== axis)
      .join('+');
  const shape = `[${weight.shape.join(', ')}]`;
  const depthwise = endsIn(weight.name, 'depthwise_kernel');
  const readings = depthwise
    ? `axis=${but(rank - 1)} (one per depth multiplier, by an older penx) or axis=${[...Array(rank - 2).keys()].join('+')} (one per input channel and multiplier)`
    : `axis=${but(rank - 1)} (a Conv2D's output channels; a Conv2DTranspose's input channels, by an older penx) or axis=${but(rank - 2)} (a Conv2DTranspose's output channels)`;
  const fits = depthwise ? `its ${channels} norms fit neither count of its kernel ${shape}` : `its kernel ${shape} has out = in`;
  const why = channels === undefined ? 'it holds no norms of it' : fits;
  return `a record written before it stated normedAxes cannot tell whether they are over ${readings}: ${why}`;
}

/**
 * The gates of a recurrent cell whose kernels keep them side by side on their last axis, each unit's
 * in TF.js's order: an LSTM's kernel [in, 4·units] is the input, forget, cell and output gates' columns.
 */
const GATES: Readonly<Record<string, string>> = { LSTMCell: 'i, f, c, o', ConvLSTM2DCell: 'i, f, c, o', GRUCell: 'z, r, h' };

/**
 * What one norm of `perchannel=1` (over every axis but the last) is of, on `weight` (`channels` as in
 * `normedAxes`), in words — its last axis by layer type:
 *
 *   a bias [out] (rank 1)                          ─► per value, |w_i|
 *   Embedding embeddings [tokens, dim]             ─► per embedding dimension (a column, not a token's row)
 *   DepthwiseConv2D depthwise_kernel [kh, kw, in, mult] ─► per depth multiplier
 *   Dense kernel [in, out], a SimpleRNN's          ─► per unit
 *   an LSTM's or GRU's kernels [in, gates·units]   ─► per gate of a unit (its `madeBy` cell: 4 columns a unit, 3 of a GRU)
 *   Conv kernel [k…, in, out], a pointwise kernel  ─► per output channel
 *   Conv2DTranspose kernel [k…, out, in]           ─► per input channel
 *   a kernel of out = in in a record without `normedAxes` (`transposedKernel` cannot tell) ─► both, the transposed case named
 *
 * @example
 * perChannelWords({ name: 'dense/kernel', shape: [784, 16] })                          // 'per unit'
 * perChannelWords({ name: 'lstm/recurrent_kernel', shape: [8, 32], madeBy: 'LSTMCell' }) // 'per gate of a unit (i, f, c, o)'
 * perChannelWords({ name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)                       // 'per input channel'
 * perChannelWords({ name: 'up/kernel', shape: [2, 2, 4, 4], normedAxes: [0, 1, 3] })  // 'per input channel'
 * perChannelWords({ name: 'conv/kernel', shape: [3, 3, 1, 32] }, 32)                   // 'per output channel'
 */
export function perChannelWords(weight: NormedWeight, channels?: number): string {
  const { name, shape } = weight;
  if (shape.length <= 1) return 'per value';
  if (normsOfRows(name)) return 'per embedding dimension';
  if (endsIn(name, 'depthwise_kernel')) return 'per depth multiplier';
  const gates = weight.madeBy ? GATES[weight.madeBy] : undefined;
  if (gates) return `per gate of a ${weight.madeBy?.startsWith('Conv') ? 'filter' : 'unit'} (${gates})`;
  if (kindOf(weight) !== 'kernel') return 'per index of its last axis';
  if (shape.length === 2) return 'per unit';
  const transposed = endsIn(name, 'pointwise_kernel') ? false : transposedKernel(weight, channels);
  if (transposed === undefined) return "per output channel (a transposed convolution's: per input channel)";
  return transposed ? 'per input channel' : 'per output channel';
}

/**
 * The axes, ascending, a norm constraint with `bounds` takes its norms over on a weight of rank `rank`:
 * its `axis` (negative counting from the end), or with `perChannel` every axis but the last.
 *
 * @example
 * boundAxes({ max: 2, axis: [-1] }, 2)                     // [1]
 * boundAxes({ max: 2, axis: 0, perChannel: true }, 4)      // [0, 1, 2]
 */
export function boundAxes(bounds: NormBounds, rank: number): number[] {
  if (bounds.perChannel) return Array.from({ length: Math.max(0, rank - 1) }, (_, i) => i);
  return sorted([bounds.axis].flat().map((a) => (a < 0 ? a + rank : a)));
}

/**
 * Whether a norm constraint with `bounds` bounds exactly the channel norms of `weight`, the weight it
 * is on: its norms are over the same axes (`boundAxes` = `normedAxes`), axes of size 1 aside (a norm
 * taken over one index more is the same norm: a DepthwiseConv2D of one input channel, `perchannel=1`
 * over 0+1+2 against its norms over 0+1). A Dense kernel's with `axis=0`, a Conv2D kernel's with
 * `axis=0+1+2` (or `perchannel=1`), an Embedding's with `axis=1` do; a Dense kernel's with `axis=1`
 * bounds each input's row instead, and its columns' norms may lie far above it. False where the axes
 * of the norms are unknown (`normedAxes` undefined).
 *
 * @example
 * boundsNormsExactly({ max: 2, axis: 0 }, { name: 'dense/kernel', shape: [784, 16] })   // true
 * boundsNormsExactly({ max: 2, axis: 1 }, { name: 'dense/kernel', shape: [784, 16] })   // false
 * boundsNormsExactly({ max: 2, axis: 0, perChannel: true }, { name: 'dw/depthwise_kernel', shape: [3, 3, 1, 2] }, 2)   // true
 */
export function boundsNormsExactly(bounds: NormBounds, weight: NormedWeight, channels?: number): boolean {
  const normed = normedAxes(weight, channels);
  if (normed === undefined) return false;
  const spanned = (axes: number[]) => axes.filter((x) => weight.shape[x] !== 1);
  const [a, b] = [spanned(boundAxes(bounds, weight.shape.length)), spanned(normed)];
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
