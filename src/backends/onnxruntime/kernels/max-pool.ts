/** MaxPool: ONNX Runtime's MaxPool on the NHWC data as it is (pool-graphs.ts). */
import { tf } from '../../../tf.ts';
import { geometryKey, poolGeometry, type TfPoolAttrs } from '../graphs/conv-geometry.ts';
import { maxPoolGraph } from '../graphs/pool-graphs.ts';
import { runGraph } from '../runtime/run.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

export const maxPoolConfig: OrtKernelConfig = {
  kernelName: tf.MaxPool,
  body: ({ x }, attrs, backend) => {
    const g = poolGeometry(x!.shape, attrs as unknown as TfPoolAttrs);
    return g && runGraph(backend, `MaxPool|${geometryKey(g)}`, () => maxPoolGraph(g), [x!])?.[0];
  },
};
