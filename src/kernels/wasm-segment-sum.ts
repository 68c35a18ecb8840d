/**
 * `UnsortedSegmentSum` for the WebAssembly backend, which stock `@tensorflow/tfjs-backend-wasm`
 * lacks: it is the gradient of `gather` (an Embedding's lookup), so without it such a model cannot
 * train on wasm ("Kernel 'UnsortedSegmentSum' not registered"). It is the stock wasm `ScatterNd`,
 * which adds the updates that share an index:
 *
 *   out[s, …] = Σ_{i : ids[i] = s} x[i, …]      (ids outside [0, numSegments) dropped, as TF does)
 *
 * The ids are read from the heap (an int32 per row); the rows whose ids
 * are dropped are left out with a `GatherV2`, and no row left gives zeros.
 *
 * @example
 * tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([1, 0, 1], 'int32'), 2)   // [[3, 4], [6, 8]] on wasm as on cpu
 */
import type { tf } from '../tf.ts';
import { withScope } from './kernel-scope.ts';
import { asWasm, int32Tensor, int32Values } from './wasm-heap.ts';

type TensorInfo = tf.TensorInfo;

/** The wasm `UnsortedSegmentSum` kernel (see the file's comment). */
export const wasmUnsortedSegmentSum: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const wasm = asWasm(backend);
  const rows = segmentIds.shape.reduce((p, q) => p * q, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const width = rest.reduce((p, q) => p * q, 1);
  const ids = int32Values(wasm, segmentIds);
  const kept: number[] = [];
  for (let i = 0; i < rows; i++) if (ids[i]! >= 0 && ids[i]! < numSegments) kept.push(i);
  return withScope(backend as tf.KernelBackend, 'wasm', (s) => {
    const outShape = [numSegments, ...rest];
    if (kept.length === 0 || width === 0) return s.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
    let updates = s.run('Reshape', { x }, { shape: [rows, width] });
    if (kept.length < rows) {
      const at = s.adopt(int32Tensor(wasm, [kept.length], kept));
      updates = s.run('GatherV2', { x: updates, indices: at }, { axis: 0, batchDims: 0 });
    }
    const indices = s.adopt(
      int32Tensor(
        wasm,
        [kept.length, 1],
        kept.map((i) => ids[i]!),
      ),
    );
    const summed = s.run('ScatterNd', { indices, updates }, { shape: [numSegments, width] });
    return s.run('Reshape', { x: summed }, { shape: outShape });
  });
};
