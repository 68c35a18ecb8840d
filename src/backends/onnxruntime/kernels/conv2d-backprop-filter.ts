/** Conv2DBackpropFilter: the filter gradient as one long-K product (Winograd or im2col; conv-plans.ts filterGradGraph). */
import { tf } from '../../../tf.ts';
import { convGeometry, geometryKey, type TfConvAttrs } from '../graphs/conv-geometry.ts';
import { filterGradGraph } from '../graphs/conv-plans.ts';
import { runGraph } from '../runtime/run.ts';
import type { OrtKernelConfig } from './replace-kernel.ts';

/** The onnxruntime backend's Conv2DBackpropFilter kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const conv2dBackpropFilterConfig: OrtKernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  body: ({ x, dy }, attrs, backend) => {
    const g = convGeometry(x!.shape, attrs['filterShape'] as number[], attrs as unknown as TfConvAttrs);
    if (!g) return undefined;
    return runGraph(backend, `Conv2DBackpropFilter|${geometryKey(g)}`, () => filterGradGraph(g), [x!, dy!])?.[0];
  },
};
