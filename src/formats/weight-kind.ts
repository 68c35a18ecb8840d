/**
 * What a weight is to its layer — `kernel`, `bias` or `other` — by one rule, used wherever a
 * kernel is meant: the record's `kind` (and the stats by kind), the weights the prune curve prunes,
 * the weights `attachToKernels` puts a run's penalty and constraint on, and the weight a layer's
 * channel norms are of. A kernel is a weight TF.js's own layers name so, by its name's last part
 * without a uniqueness suffix:
 *
 *   kernel            Dense, Conv1D/2D/3D, Conv2DTranspose, an RNN cell's input kernel
 *   recurrent_kernel  LSTM / GRU / SimpleRNN
 *   depthwise_kernel  DepthwiseConv2D, SeparableConv2D
 *   pointwise_kernel  SeparableConv2D
 *   embeddings        Embedding
 *
 * A custom layer's weight of another name (`my_kernel`, `w`) is `other`, whatever it ends in:
 * attachToKernels can reach a weight only through its layer's config key for it, which TF.js's
 * layers have for these names alone. A record states each weight's kind; readers prefer it (a record
 * written before this rule may class `my_kernel` as a kernel).
 *
 * @example
 * weightKind('conv2d_1/kernel')        // 'kernel'
 * weightKind('gru/recurrent_kernel_1') // 'kernel'
 * weightKind('dense/bias')             // 'bias'
 * weightKind('mix/my_kernel')          // 'other'
 */

import type { WeightKind } from './run.ts';

/** The kernels' weight names (their last part, as weightBaseName gives it). */
export const KERNEL_WEIGHTS: readonly string[] = ['kernel', 'recurrent_kernel', 'depthwise_kernel', 'pointwise_kernel', 'embeddings'];

/** The last part of a weight's name without a uniqueness suffix: `gru/recurrent_kernel_1` → `recurrent_kernel`. */
export function weightBaseName(name: string): string {
  return (name.split('/').at(-1) ?? name).replace(/_\d+$/, '');
}

/** `kernel` for a name whose base (weightBaseName) is one of KERNEL_WEIGHTS, `bias` for `bias`, else `other` (see the file's comment). */
export function weightKind(name: string): WeightKind {
  const base = weightBaseName(name);
  return KERNEL_WEIGHTS.includes(base) ? 'kernel' : base === 'bias' ? 'bias' : 'other';
}

/** A weight's kind as its record states it, else by its name (weightKind). */
export const kindOf = (w: { readonly name: string; readonly kind?: WeightKind | undefined }): WeightKind => w.kind ?? weightKind(w.name);
