/**
 * The gradient of nearest-neighbour resizing (UpSampling2D's) on the cpu backend, on
 * onnxruntime's (which copies cpu's kernels) and on wasm is the forward's exact adjoint: each
 * output pixel's gradient lands on the input pixel the forward copied it from — computed here from
 * the backend's own forward, run on the pixels' own indices. TF.js 4.22's stock cpu kernel fails
 * this for every sample after the first, and with halfPixelCenters; its stock wasm kernel with
 * halfPixelCenters, and with alignCorners on a side of one pixel (all zeros).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/backends/select.ts';
import '../../src/kernels/index.ts';
import { tf } from '../../src/tf.ts';

type Case = [label: string, inShape: [number, number, number, number], size: [number, number], alignCorners: boolean, halfPixelCenters: boolean];
const CASES: Case[] = [
  ['UpSampling2D 2×2, batch 3', [3, 2, 3, 2], [4, 6], false, false],
  ['up by 3 and 2, batch 2', [2, 2, 2, 1], [6, 4], false, false],
  ['odd sizes up and down', [2, 5, 4, 3], [3, 7], false, false],
  ['alignCorners', [2, 4, 3, 2], [7, 5], true, false],
  ['alignCorners, one pixel high', [2, 1, 3, 2], [4, 5], true, false],
  ['alignCorners, one pixel wide', [2, 3, 1, 1], [5, 3], true, false],
  ['halfPixelCenters', [3, 3, 4, 1], [5, 9], false, true],
  ['halfPixelCenters, 3×3 up to 5×5', [2, 3, 3, 2], [5, 5], false, true],
  ['halfPixelCenters, 4×4 up to 6×6', [2, 4, 4, 1], [6, 6], false, true],
  ['halfPixelCenters, odd sizes down', [2, 7, 5, 2], [3, 4], false, true],
];

/** dx by the forward: run on x = each pixel's flat index, the output says where each value came from. */
function adjoint(inShape: readonly number[], size: [number, number], align: boolean, half: boolean, dy: Float32Array): Float32Array {
  const count = inShape.reduce((a, d) => a * d, 1);
  const sources = tf.tidy(() =>
    tf.image
      .resizeNearestNeighbor(
        tf.tensor4d(
          Float32Array.from({ length: count }, (_, i) => i),
          inShape as [number, number, number, number],
        ),
        size,
        align,
        half,
      )
      .dataSync(),
  );
  const dx = new Float32Array(count);
  sources.forEach((src, i) => {
    dx[src] = dx[src]! + dy[i]!;
  });
  return dx;
}

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
  await selectBackend('onnxruntime', { threads: 1 });
});

describe.each(['cpu', 'onnxruntime', 'wasm'])('the gradient of resizeNearestNeighbor on %s', (backend) => {
  it.each(CASES)('%s: the forward’s adjoint, exactly', async (_label, inShape, size, align, half) => {
    await tf.setBackend(backend);
    const [n, , , c] = inShape;
    // Whole numbers: every sum is exact, so the comparison is too.
    const dy = Float32Array.from({ length: n * size[0] * size[1] * c }, (_, i) => Math.round(Math.sin(i * 1.3) * 50));
    const expected = adjoint(inShape, size, align, half, dy);
    const got = tf.tidy(() => {
      const x = tf.zeros(inShape);
      const f = (t: tf.Tensor) =>
        tf.image
          .resizeNearestNeighbor(t as tf.Tensor4D, size, align, half)
          .mul(tf.tensor(dy, [n, size[0], size[1], c]))
          .sum();
      return tf.grad(f)(x).dataSync();
    });
    expect(Array.from(got)).toEqual(Array.from(expected));
  });
});
