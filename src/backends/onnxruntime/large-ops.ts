/**
 * The light kernels that dominate a training step once the convolutions are fast, moved to ONNX
 * Runtime for large tensors (the host's JavaScript loops keep small ones, where a session call
 * costs more than it saves). Measured on the reference model (batch 64, one thread) with only the
 * heavy kernels on ONNX Runtime: MaxPoolGrad 3.9 s a step, bias-gradient Sums 306 ms, Add 173 ms,
 * Multiply 145 ms, Step 76 ms, Relu 56 ms, MaxPool 18 ms — against ~120 ms for every convolution.
 *
 *   Add Sub Multiply RealDiv, Relu Sqrt Neg Abs Sign Square Step ─► elementwise-graphs.ts
 *   Sum                                                   ─► elementwise-graphs.ts (ReduceSum)
 *   MaxPool MaxPoolGrad                                   ─► pool-graphs.ts (any size)
 */
import { tf } from '../../tf.ts';
import { geometryKey, poolGeometry, type TfPoolAttrs } from './conv-geometry.ts';
import { BINARY_OPS, UNARY_OPS, binaryGraph, sumGraph, unaryGraph } from './elementwise-graphs.ts';
import { maxPoolGradGraph, maxPoolGraph } from './pool-graphs.ts';
import { replaceKernel, sizeOf } from './replace-kernel.ts';
import { runGraph } from './run.ts';

/** Outputs below this many elements stay on the host. */
export const MIN_ORT_ELEMENTS = 32 * 1024;

/** Register the large-tensor kernels on `backendName` (a host backend made by host.ts). */
export function registerLargeTensorKernels(backendName: string): void {
  for (const kernel of Object.keys(BINARY_OPS)) {
    replaceKernel(backendName, kernel, ({ a, b }, _attrs, backend) => {
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
      if (tf.util.sizeFromShape(outShape) < MIN_ORT_ELEMENTS) return undefined;
      return runGraph(backend, `${kernel}|${a!.shape}|${b!.shape}`, () => binaryGraph(kernel, a!.shape, b!.shape, outShape), [a!, b!])?.[0];
    });
  }
  for (const kernel of Object.keys(UNARY_OPS)) {
    replaceKernel(backendName, kernel, ({ x }, attrs, backend) => {
      if (sizeOf(x!) < MIN_ORT_ELEMENTS) return undefined;
      const alpha = (attrs['alpha'] as number | undefined) ?? 0;
      return runGraph(backend, `${kernel}|${x!.shape}|${alpha}`, () => unaryGraph(kernel, x!.shape, alpha), [x!])?.[0];
    });
  }
  replaceKernel(backendName, tf.Sum, ({ x }, attrs, backend) => {
    if (sizeOf(x!) < MIN_ORT_ELEMENTS) return undefined;
    const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x!.shape);
    const keepDims = attrs['keepDims'] === true;
    const [reduced] = tf.backend_util.computeOutAndReduceShapes(x!.shape, axes);
    const outShape = keepDims ? tf.backend_util.expandShapeToKeepDim(reduced, axes) : reduced;
    if (axes.length === 0) return undefined;
    return runGraph(backend, `Sum|${x!.shape}|${axes}|${keepDims}`, () => sumGraph(x!.shape, axes, outShape, keepDims), [x!])?.[0];
  });
  replaceKernel(backendName, tf.MaxPool, ({ x }, attrs, backend) => {
    const g = poolGeometry(x!.shape, attrs as unknown as TfPoolAttrs);
    return g && runGraph(backend, `MaxPool|${geometryKey(g)}`, () => maxPoolGraph(g), [x!])?.[0];
  });
  replaceKernel(backendName, tf.MaxPoolGrad, ({ dy, input }, attrs, backend) => {
    const g = poolGeometry(input!.shape, attrs as unknown as TfPoolAttrs);
    return g && runGraph(backend, `MaxPoolGrad|${geometryKey(g)}`, () => maxPoolGradGraph(g), [dy!, input!])?.[0];
  });
}
