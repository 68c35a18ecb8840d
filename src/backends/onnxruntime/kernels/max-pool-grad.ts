/** MaxPoolGrad: loops over the host's arrays, each window's gradient to its first maximum (loops/pool-loops.ts). */
import { tf } from '../../../tf.ts';
import { poolGeometry, type TfPoolAttrs } from '../graphs/conv-geometry.ts';
import { floatsOf, poolOf, tensorOf } from '../runtime/storage.ts';
import { maxPoolGrad } from './loops/pool-loops.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's MaxPoolGrad kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const maxPoolGradConfig: OrtKernelConfig = {
  kernelName: tf.MaxPoolGrad,
  body: ({ dy, input, output }, attrs, backend) => {
    const g = poolGeometry(input!.shape, attrs as unknown as TfPoolAttrs);
    const [x, y, d] = [floatsOf(backend, input!), floatsOf(backend, output!), floatsOf(backend, dy!)];
    if (!g || !x || !y || !d) return undefined;
    const dx = poolOf(backend).take(x.length);
    maxPoolGrad(g, x, y, d, dx);
    return tensorOf(backend, [...input!.shape], dx);
  },
};
