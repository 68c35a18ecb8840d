/**
 * What the elementwise kernels share. Measured on the reference model (batch 64, one thread) with
 * only the heavy kernels replaced, the light kernels dominated a step: MaxPoolGrad 3.9 s, bias-
 * gradient Sums 306 ms, Add 173 ms, Multiply 145 ms, Step 76 ms, Relu 56 ms, MaxPool 18 ms —
 * against ~120 ms for every convolution. So:
 *
 *   Add Sub Multiply RealDiv   same shape / scalar / bias, up to HOST_LOOP_ELEMENTS ─► loops
 *                                (loops/elementwise-loops.ts; the cpu backend allocates an array
 *                                per element to broadcast); larger, or other broadcasts ─► ONNX Runtime
 *                                (elementwise-graphs.ts)
 *   Sqrt Square Neg Abs        up to HOST_LOOP_ELEMENTS ─► loops; larger ─► ONNX Runtime
 *   Relu Sign Step, Sum        large ─► ONNX Runtime
 *
 * The loops write into the pool's arrays (buffer-pool.ts); while helper threads are idle (the
 * fused graph's shard workers), large ones are cut across them (loops/split-loops.ts), into the
 * pool's shared arrays. An ONNX Runtime run costs more than its
 * arithmetic at the optimiser's sizes: onnxruntime-node returns every output as a fresh ArrayBuffer
 * (a zeroed allocation and a copy, on top of the array it wrote), which for Adadelta on the
 * reference model came to 31 MB a step and a full garbage collection of the JS heap every step
 * ("external memory pressure": 38 in 38 steps, against 2 with the loops; the process's CPU time
 * per step 12–24 % less, A/B alternated). A collection's cost grows with the heap, so a real run,
 * with more loaded and recorded than a bench, lost more to it.
 *
 * Anything else (another dtype, another broadcast of a small tensor) stays on the host's kernel.
 */
import { tf } from '../../../tf.ts';
import { binaryGraph, unaryGraph } from '../graphs/elementwise-graphs.ts';
import { runGraph } from '../runtime/run.ts';
import { deferredOf, floatsOf, poolOf, tensorOf } from '../runtime/storage.ts';
import { type BinaryOp, periodOf, type UnaryOp } from './loops/elementwise-loops.ts';
import { sharedOutputs, splitBinary, splitUnary } from './loops/split-loops.ts';
import { type KernelInputs, type OrtKernel, type OrtKernelConfig, sizeOf } from './replace-kernel.ts';

/** Outputs from this many elements run on ONNX Runtime (a session call costs ~20 µs). */
export const MIN_ORT_ELEMENTS = 32 * 1024;

/** Outputs up to this many elements run as loops here when they can (a weight of a few MB; activations of a batch go to ONNX Runtime). */
export const HOST_LOOP_ELEMENTS = 1024 * 1024;

const LOOPED_UNARY = new Set<string>(['Sqrt', 'Square', 'Neg', 'Abs']);

/** a op b on the host by a loop into a pooled array, when both are float32 and each is a whole block of the output. */
function loopBinary(kernel: BinaryOp, { a, b }: KernelInputs, outShape: number[], backend: tf.KernelBackend): tf.TensorInfo | undefined {
  const av = floatsOf(backend, a!);
  const bv = floatsOf(backend, b!);
  const n = tf.util.sizeFromShape(outShape);
  const pa = periodOf(a!.shape, outShape);
  const pb = periodOf(b!.shape, outShape);
  if (!av || !bv || pa === undefined || pb === undefined || (pa !== n && pb !== n) || n === 0) return undefined;
  const out = sharedOutputs(n) ? poolOf(backend).takeShared(n) : poolOf(backend).take(n);
  splitBinary(kernel, av, pa, bv, pb, out);
  return tensorOf(backend, outShape, out);
}

/** A binary kernel (Add: a bias added to a deferred conv stays deferred). */
export function binaryKernel(kernel: BinaryOp): OrtKernelConfig {
  const body: OrtKernel = (inputs, _attrs, backend) => {
    const { a, b } = inputs;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
    const deferred = kernel === 'Add' ? deferredOf(backend).addBias(a!, b!, outShape) : undefined;
    if (deferred) return deferred;
    const n = tf.util.sizeFromShape(outShape);
    const looped = n <= HOST_LOOP_ELEMENTS ? loopBinary(kernel, inputs, outShape, backend) : undefined;
    if (looped || n < MIN_ORT_ELEMENTS) return looped;
    return runGraph(backend, `${kernel}|${a!.shape}|${b!.shape}`, () => binaryGraph(kernel, a!.shape, b!.shape, outShape), [a!, b!])?.[0];
  };
  return { kernelName: kernel, body };
}

/** A unary kernel on large tensors (Relu of a deferred conv: conv + bias + relu in one run). */
export function unaryKernel(kernel: string): OrtKernelConfig {
  const body: OrtKernel = ({ x }, attrs, backend) => {
    const fused = kernel === 'Relu' ? deferredOf(backend).relu(x!) : undefined;
    if (fused) return fused;
    const xs = LOOPED_UNARY.has(kernel) && sizeOf(x!) <= HOST_LOOP_ELEMENTS ? floatsOf(backend, x!) : undefined;
    if (xs) {
      const out = sharedOutputs(xs.length) ? poolOf(backend).takeShared(xs.length) : poolOf(backend).take(xs.length);
      splitUnary(kernel as UnaryOp, xs, out);
      return tensorOf(backend, [...x!.shape], out);
    }
    if (sizeOf(x!) < MIN_ORT_ELEMENTS) return undefined;
    const alpha = (attrs['alpha'] as number | undefined) ?? 0;
    return runGraph(backend, `${kernel}|${x!.shape}|${alpha}`, () => unaryGraph(kernel, x!.shape, alpha), [x!])?.[0];
  };
  return { kernelName: kernel, body };
}
