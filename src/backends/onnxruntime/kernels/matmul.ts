/** What BatchMatMul and _FusedMatMul share: one Gemm or MatMul graph per shape (matmul-graph.ts). */
import { tf } from '../../../tf.ts';
import { matMulGraph } from '../graphs/matmul-graph.ts';
import { runGraph } from '../runtime/run.ts';
import { type KernelAttrs, type KernelInputs, sizeOf } from './replace-kernel.ts';

type TensorInfo = tf.TensorInfo;

function outShapeOfMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number[] {
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...outer, a.shape[a.shape.length - (transposeA ? 1 : 2)]!, b.shape[b.shape.length - (transposeB ? 2 : 1)]!];
}

/** The shared dimension of op(a) · op(b), or undefined when a's and b's differ. */
function innerOf(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number | undefined {
  const ka = a.shape[a.shape.length - (transposeA ? 2 : 1)];
  const kb = b.shape[b.shape.length - (transposeB ? 1 : 2)];
  return ka === kb ? ka : undefined;
}

/**
 * out = activation(op(a) · op(b) + bias); undefined (the host's kernel) for prelu, a rank below 2
 * or inner dimensions that differ (the host's kernel then throws its own error, naming the shapes).
 */
export function matMul(inputs: KernelInputs, attrs: KernelAttrs, backend: tf.KernelBackend): TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = inputs;
  if (preluActivationWeights || a!.shape.length < 2 || b!.shape.length < 2) return undefined;
  const transposeA = attrs['transposeA'] === true;
  const transposeB = attrs['transposeB'] === true;
  if (innerOf(a!, b!, transposeA, transposeB) === undefined) return undefined;
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
