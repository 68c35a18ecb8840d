/** Sum over axes (the bias gradients): ONNX Runtime's ReduceSum for large tensors. */
import { tf } from '../../../tf.ts';
import { sumGraph } from '../graphs/elementwise-graphs.ts';
import { runGraph } from '../runtime/run.ts';
import { MIN_ORT_ELEMENTS } from './elementwise.ts';
import { type OrtKernelConfig, sizeOf } from './replace-kernel.ts';

/** The onnxruntime backend's Sum kernel (see the file's comment); a case it does not cover falls back to the host's. */
export const sumConfig: OrtKernelConfig = {
  kernelName: tf.Sum,
  body: ({ x }, attrs, backend) => {
    if (sizeOf(x!) < MIN_ORT_ELEMENTS) return undefined;
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x!.shape);
    const keepDims = attrs['keepDims'] === true;
    const [reduced] = tf.backend_util.computeOutAndReduceShapes(x!.shape, axes);
    const outShape = keepDims ? tf.backend_util.expandShapeToKeepDim(reduced, axes) : reduced;
    if (axes.length === 0) return undefined;
    return runGraph(backend, `Sum|${x!.shape}|${axes}|${keepDims}`, () => sumGraph(x!.shape, axes, outShape, keepDims), [x!])?.[0];
  },
};
