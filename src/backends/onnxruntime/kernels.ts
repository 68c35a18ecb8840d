/**
 * The heavy TF.js kernels of the `onnxruntime` backend, each run as a cached ONNX Runtime session
 * (run.ts), each falling back to the host's stock kernel for a case its graph does not cover
 * (NCHW data, prelu, a rounding mode ONNX lacks, a dtype other than float32):
 *
 *   Conv2D, FusedConv2D (bias + activation)  ─► conv-plans.ts    forwardRun       } Winograd or direct by
 *   Conv2DBackpropInput                      ─► conv-plans.ts    inputGradRun     } shape, a run per piece
 *   Conv2DBackpropFilter                     ─► conv-plans.ts    filterGradGraph    of the batch
 *   BatchMatMul, _FusedMatMul                ─► matmul-graph.ts  matMulGraph
 */
import { tf } from '../../tf.ts';
import { convGeometry, geometryKey, type ConvGeometry, type TfConvAttrs } from './conv-geometry.ts';
import { convPieces, filterGradGraph, forwardKernel, forwardRun, inputGradRun, type ConvRun } from './conv-plans.ts';
import { deferredOf } from './host.ts';
import { matMulGraph } from './matmul-graph.ts';
import { replaceKernel, sizeOf, type KernelAttrs, type KernelInputs } from './replace-kernel.ts';
import { runGraph, runInPieces } from './run.ts';

type TensorInfo = tf.TensorInfo;

/** Run `run`'s graphs for `g` piece by piece of the batch (axis 0 of the first input; the others whole). */
function convInPieces(backend: tf.KernelBackend, kernel: string, g: ConvGeometry, run: ConvRun, inputs: TensorInfo[]): TensorInfo | undefined {
  return runInPieces(backend, convPieces(kernel, g, run, inputs.length), inputs)?.[0];
}

function convForward(inputs: KernelInputs, attrs: KernelAttrs, backend: tf.KernelBackend): TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const activation = attrs['activation'] as string | undefined;
  const alpha = attrs['leakyreluAlpha'] as number | undefined;
  const g = convGeometry(x!.shape, filter!.shape, attrs as unknown as TfConvAttrs);
  if (!g || preluActivationWeights || (bias && sizeOf(bias) !== g.outC)) return undefined;
  // A plain conv (TF.js's training-time conv layer: its bias and activation come as kernels of their own) waits for them.
  if (!bias && (activation ?? 'linear') === 'linear') {
    const deferred = deferredOf(backend).conv(g, x!, filter!);
    if (deferred) return deferred;
  }
  return convInPieces(backend, forwardKernel(bias !== undefined, activation, alpha), g, forwardRun(g, bias !== undefined, activation, alpha), bias ? [x!, filter!, bias] : [x!, filter!]);
}

function outShapeOfMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number[] {
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...outer, a.shape[a.shape.length - (transposeA ? 1 : 2)]!, b.shape[b.shape.length - (transposeB ? 2 : 1)]!];
}

function matMul(inputs: KernelInputs, attrs: KernelAttrs, backend: tf.KernelBackend): TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = inputs;
  if (preluActivationWeights || a!.shape.length < 2 || b!.shape.length < 2) return undefined;
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  const spec = {
    aShape: a!.shape,
    bShape: b!.shape,
    outShape: outShapeOfMatMul(a!, b!, transposeA, transposeB),
    transposeA,
    transposeB,
    ...(bias ? { biasShape: bias.shape } : {}),
    ...(attrs['activation'] !== undefined ? { activation: attrs['activation'] as string } : {}),
    ...(attrs['leakyreluAlpha'] !== undefined ? { leakyreluAlpha: attrs['leakyreluAlpha'] as number } : {}),
  };
  if (spec.outShape.some((d) => d === 0) || sizeOf(a!) === 0 || sizeOf(b!) === 0) return undefined;
  return runGraph(backend, `MatMul|${JSON.stringify(spec)}`, () => matMulGraph(spec), bias ? [a!, b!, bias] : [a!, b!])?.[0];
}

/** Register the ONNX Runtime kernels on `backendName` (a host backend made by host.ts). */
export function registerOrtKernels(backendName: string): void {
  replaceKernel(backendName, tf.Conv2D, convForward);
  replaceKernel(backendName, tf.FusedConv2D, convForward);
  replaceKernel(backendName, tf.Conv2DBackpropInput, ({ dy, filter }, attrs, backend) => {
    const g = convGeometry(attrs['inputShape'] as number[], filter!.shape, attrs as unknown as TfConvAttrs);
    if (!g) return undefined;
    return convInPieces(backend, 'Conv2DBackpropInput', g, inputGradRun(g), [dy!, filter!]);
  });
  replaceKernel(backendName, tf.Conv2DBackpropFilter, ({ x, dy }, attrs, backend) => {
    const g = convGeometry(x!.shape, attrs['filterShape'] as number[], attrs as unknown as TfConvAttrs);
    if (!g) return undefined;
    return runGraph(backend, `Conv2DBackpropFilter|${geometryKey(g)}`, () => filterGradGraph(g), [x!, dy!])?.[0];
  });
  replaceKernel(backendName, tf.BatchMatMul, matMul);
  replaceKernel(backendName, tf._FusedMatMul, matMul);
}
