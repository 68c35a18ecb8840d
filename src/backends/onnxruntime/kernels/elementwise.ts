/**
 * What the elementwise kernels share. Measured on the reference model (batch 64, one thread) with
 * only the heavy kernels replaced, the light kernels dominated a step: MaxPoolGrad 3.9 s, bias-
 * gradient Sums 306 ms, Add 173 ms, Multiply 145 ms, Step 76 ms, Relu 56 ms, MaxPool 18 ms —
 * against ~120 ms for every convolution. So:
 *
 *   Add Sub Multiply RealDiv   large ─► ONNX Runtime (elementwise-graphs.ts)
 *                              small, same shape / scalar / bias ─► loops (loops/elementwise-loops.ts;
 *                                the cpu backend allocates an array per element to broadcast)
 *   Relu Sqrt Neg Abs Sign Square Step, Sum   large ─► ONNX Runtime
 *
 * Anything else (another dtype, another broadcast of a small tensor) stays on the host's kernel.
 */
import { tf } from '../../../tf.ts';
import { binaryGraph, unaryGraph } from '../graphs/elementwise-graphs.ts';
import { runGraph } from '../runtime/run.ts';
import { deferredOf, floatsOf, tensorOf } from '../runtime/storage.ts';
import { type BinaryOp, binaryLoop, periodOf } from './loops/elementwise-loops.ts';
import { type KernelInputs, type OrtKernel, type OrtKernelConfig, sizeOf } from './replace-kernel.ts';

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

/** A binary kernel (Add: a bias added to a deferred conv stays deferred). */
export function binaryKernel(kernel: BinaryOp): OrtKernelConfig {
  const body: OrtKernel = (inputs, _attrs, backend) => {
    const { a, b } = inputs;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
    const deferred = kernel === 'Add' ? deferredOf(backend).addBias(a!, b!, outShape) : undefined;
    if (deferred) return deferred;
    if (tf.util.sizeFromShape(outShape) < MIN_ORT_ELEMENTS) return smallBinary(kernel, inputs, outShape, backend);
    return runGraph(backend, `${kernel}|${a!.shape}|${b!.shape}`, () => binaryGraph(kernel, a!.shape, b!.shape, outShape), [a!, b!])?.[0];
  };
  return { kernelName: kernel, body };
}

/** A unary kernel on large tensors (Relu of a deferred conv: conv + bias + relu in one run). */
export function unaryKernel(kernel: string): OrtKernelConfig {
  const body: OrtKernel = ({ x }, attrs, backend) => {
    const fused = kernel === 'Relu' ? deferredOf(backend).relu(x!) : undefined;
    if (fused) return fused;
    if (sizeOf(x!) < MIN_ORT_ELEMENTS) return undefined;
    const alpha = (attrs['alpha'] as number | undefined) ?? 0;
    return runGraph(backend, `${kernel}|${x!.shape}|${alpha}`, () => unaryGraph(kernel, x!.shape, alpha), [x!])?.[0];
  };
  return { kernelName: kernel, body };
}
