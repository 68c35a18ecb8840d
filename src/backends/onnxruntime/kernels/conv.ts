/**
 * What the convolution kernels share: a forward conv (Conv2D, FusedConv2D with bias and
 * activation) and a conv run piece by piece of the batch, on the graphs conv-plans.ts chooses.
 */
import type { tf } from '../../../tf.ts';
import { type ConvGeometry, convGeometry, type TfConvAttrs } from '../graphs/conv-geometry.ts';
import { type ConvRun, convPieces, forwardKernel, forwardRun } from '../graphs/conv-plans.ts';
import { runInPieces } from '../runtime/run.ts';
import { deferredOf } from '../runtime/storage.ts';
import type { KernelAttrs, KernelInputs } from './replace-kernel.ts';

type TensorInfo = tf.TensorInfo;

/** Run `run`'s graphs for `g` piece by piece of the batch (axis 0 of the first input; the others whole). */
export function convInPieces(backend: tf.KernelBackend, kernel: string, g: ConvGeometry, run: ConvRun, inputs: TensorInfo[]): TensorInfo | undefined {
  return runInPieces(backend, convPieces(kernel, g, run, inputs.length), inputs)?.[0];
}

/**
 * Whether a bias of `shape` is one value per output channel ([co], [1, 1, 1, co]): the graphs add
 * it per channel. A bias broadcast along rows or columns ([co, 1, 1] with co rows) is not.
 */
function perChannel(shape: readonly number[], outC: number): boolean {
  return shape.at(-1) === outC && shape.every((d, i) => d === 1 || i === shape.length - 1);
}

/** y = activation(conv(x, filter) + bias); a plain conv is deferred (runtime/deferred.ts). */
export function convForward(inputs: KernelInputs, attrs: KernelAttrs, backend: tf.KernelBackend): TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const activation = attrs['activation'] as string | undefined;
  const alpha = attrs['leakyreluAlpha'] as number | undefined;
  const g = convGeometry(x!.shape, filter!.shape, attrs as unknown as TfConvAttrs);
  if (!g || preluActivationWeights || (bias && !perChannel(bias.shape, g.outC))) return undefined;
  // A plain conv (TF.js's training-time conv layer: its bias and activation come as kernels of their own) waits for them.
  if (!bias && (activation ?? 'linear') === 'linear') {
    const deferred = deferredOf(backend).conv(g, x!, filter!);
    if (deferred) return deferred;
  }
  return convInPieces(
    backend,
    forwardKernel(bias !== undefined, activation, alpha),
    g,
    forwardRun(g, bias !== undefined, activation, alpha),
    bias ? [x!, filter!, bias] : [x!, filter!],
  );
}
