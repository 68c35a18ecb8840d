/**
 * The light kernels that dominate a training step once the convolutions are fast. Measured on
 * the reference model (batch 64, one thread) with only the heavy kernels replaced: MaxPoolGrad
 * 3.9 s a step, bias-gradient Sums 306 ms, Add 173 ms, Multiply 145 ms, Step 76 ms, Relu 56 ms,
 * MaxPool 18 ms — against ~120 ms for every convolution. Where each now runs:
 *
 *   Add Sub Multiply RealDiv   large ─► ONNX Runtime (elementwise-graphs.ts)
 *                              small, same shape / scalar / bias ─► loops (elementwise-loops.ts;
 *                                the cpu backend allocates an array per element to broadcast)
 *   Relu Sqrt Neg Abs Sign Square Step, Sum   large ─► ONNX Runtime
 *   Add of a bias to a deferred conv, Relu of it ─► deferred, then conv + bias + relu in one run (deferred.ts)
 *   MaxPool                    ONNX Runtime, NHWC as it is (pool-graphs.ts)
 *   MaxPoolGrad                loops (pool-loops.ts)
 *   Relu's gradient            one ONNX Runtime session instead of Step and Multiply (relu-grad.ts)
 *
 * Anything else (another dtype, another broadcast of a small tensor) stays on the host's kernel.
 */
import { tf } from '../../tf.ts';
import { geometryKey, poolGeometry, type TfPoolAttrs } from './conv-geometry.ts';
import { BINARY_OPS, UNARY_OPS, binaryGraph, sumGraph, unaryGraph } from './elementwise-graphs.ts';
import { binaryLoop, periodOf, type BinaryOp } from './elementwise-loops.ts';
import { deferredOf, floatsOf, poolOf, tensorOf } from './host.ts';
import { maxPoolGraph } from './pool-graphs.ts';
import { maxPoolGrad } from './pool-loops.ts';
import { registerReluGrad } from './relu-grad.ts';
import { replaceKernel, sizeOf, type KernelInputs } from './replace-kernel.ts';
import { runGraph } from './run.ts';

/** Outputs from this many elements run on ONNX Runtime (a session call costs ~20 µs). */
export const MIN_ORT_ELEMENTS = 32 * 1024;

/** a op b on the host by a loop, when both are float32 and each is a whole block of the output. */
function smallBinary(kernel: BinaryOp, { a, b }: KernelInputs, outShape: number[], backend: tf.KernelBackend): tf.TensorInfo | undefined {
  const av = floatsOf(backend, a!);
  const bv = floatsOf(backend, b!);
  const n = tf.util.sizeFromShape(outShape);
  const pa = periodOf(a!.shape, outShape);
  const pb = periodOf(b!.shape, outShape);
  if (!av || !bv || pa === undefined || pb === undefined || (pa !== n && pb !== n) || n === 0) return undefined;
  const out = new Float32Array(n);
  binaryLoop(kernel, av, pa, bv, pb, out);
  return tensorOf(backend, outShape, out);
}

/** Register the light kernels on `backendName` (a host backend made by host.ts). */
export function registerLightKernels(backendName: string): void {
  for (const kernel of Object.keys(BINARY_OPS) as BinaryOp[]) {
    replaceKernel(backendName, kernel, (inputs, _attrs, backend) => {
      const { a, b } = inputs;
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
      const deferred = kernel === 'Add' ? deferredOf(backend).addBias(a!, b!, outShape) : undefined;
      if (deferred) return deferred;
      if (tf.util.sizeFromShape(outShape) < MIN_ORT_ELEMENTS) return smallBinary(kernel, inputs, outShape, backend);
      return runGraph(backend, `${kernel}|${a!.shape}|${b!.shape}`, () => binaryGraph(kernel, a!.shape, b!.shape, outShape), [a!, b!])?.[0];
    });
  }
  for (const kernel of Object.keys(UNARY_OPS)) {
    replaceKernel(backendName, kernel, ({ x }, attrs, backend) => {
      const fused = kernel === 'Relu' ? deferredOf(backend).relu(x!) : undefined;
      if (fused) return fused;
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
  replaceKernel(backendName, tf.MaxPoolGrad, ({ dy, input, output }, attrs, backend) => {
    const g = poolGeometry(input!.shape, attrs as unknown as TfPoolAttrs);
    const [x, y, d] = [floatsOf(backend, input!), floatsOf(backend, output!), floatsOf(backend, dy!)];
    if (!g || !x || !y || !d) return undefined;
    const dx = poolOf(backend).take(x.length);
    maxPoolGrad(g, x, y, d, dx);
    return tensorOf(backend, [...input!.shape], dx);
  });
  registerReluGrad(backendName, MIN_ORT_ELEMENTS);
}
