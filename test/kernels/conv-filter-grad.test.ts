import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilterShifted, shiftedFilterGradApplies } from '../../src/kernels/conv-filter-grad.ts';
import { convInfo } from '../../src/kernels/conv-grads.ts';
import { selectBackend, type Tensor, tf, UsageError } from '../../src/node.ts';
import { relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * Math.cos(i * 0.047));

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

describe('the shifted-product filter gradient (wasm) equals the cpu backend’s', () => {
  it.each([
    // n, h, w, ci, co, kernel, pad, chunk floats (small: chunks of 2 samples, the last one of 1)
    [5, 9, 7, 8, 6, 3, 'valid', 1100],
    [3, 8, 8, 9, 4, 5, 'same', 2600],
    [4, 6, 10, 12, 5, 3, 'same', 1_000_000],
    [7, 10, 10, 16, 3, 1, 'valid', 3300],
    [3, 7, 7, 8, 4, 3, 'valid', 100],
  ] as const)('batch %i, %i×%i×%i→%i, kernel %i, %s, chunks of %i floats', async (n, h, w, ci, co, k, pad, chunk) => {
    const x = data(n * h * w * ci, 1);
    const wts = data(k * k * ci * co, 2);
    await tf.setBackend('cpu');
    const expected = tf.tidy(() => {
      const g = tf.grad((f: Tensor) => {
        const y = tf.conv2d(tf.tensor4d(x, [n, h, w, ci]), f as tf.Tensor4D, 1, pad);
        return tf.sum(tf.mul(y, tf.cos(tf.range(0, y.size).reshape(y.shape))));
      });
      return g(tf.tensor4d(wts, [k, k, ci, co])).dataSync();
    });
    const dy = tf.tidy(() => {
      const y = tf.conv2d(tf.tensor4d(x, [n, h, w, ci]), tf.tensor4d(wts, [k, k, ci, co]), 1, pad);
      return tf.cos(tf.range(0, y.size).reshape(y.shape)).dataSync();
    });
    const info = tf.backend_util.computeConv2DInfo([n, h, w, ci], [k, k, ci, co], 1, 1, pad);
    await tf.setBackend('wasm');
    const xt = tf.tensor4d(x, [n, h, w, ci]);
    const dyt = tf.tensor4d(dy, [n, info.outHeight, info.outWidth, co]);
    const before = tf.memory().numBytes;
    const out = conv2dBackpropFilterShifted(tf.backend(), xt, dyt, info, chunk);
    const got = tf.engine().makeTensorFromTensorInfo(out);
    expect(got.shape).toEqual([k, k, ci, co]);
    expect(relErr(expected, got.dataSync())).toBeLessThan(1e-4);
    got.dispose();
    // Its buffers and views are freed: only the result was added, and it is disposed.
    expect(tf.memory().numBytes).toBe(before);
    tf.dispose([xt, dyt]);
  });

  it('is used where it measured faster: conv2d_2 of the reference model, not conv2d_3 or strided convolutions', () => {
    const info = (shape: [number, number, number, number], filter: [number, number, number, number], stride = 1) =>
      tf.backend_util.computeConv2DInfo(shape, filter, stride, 1, 'valid');
    expect(shiftedFilterGradApplies(info([64, 26, 26, 32], [3, 3, 32, 64]))).toBe(true);
    expect(shiftedFilterGradApplies(info([64, 12, 12, 64], [3, 3, 64, 128]))).toBe(false);
    expect(shiftedFilterGradApplies(info([64, 28, 28, 1], [3, 3, 1, 32]))).toBe(false);
    expect(shiftedFilterGradApplies(info([64, 26, 26, 32], [3, 3, 32, 64], 2))).toBe(false);
  });
});

it('the wasm training kernels refuse a convolution laid out NCHW with a UsageError (they take NHWC)', () => {
  expect(() => convInfo([1, 1, 4, 4], [3, 3, 1, 2], { strides: 1, pad: 'valid', dataFormat: 'NCHW' })).toThrow(UsageError);
  expect(convInfo([1, 4, 4, 1], [3, 3, 1, 2], { strides: 1, pad: 'valid', dataFormat: 'NHWC' }).outShape).toEqual([1, 2, 2, 2]);
});
