/**
 * adadeltaStep runs the kernel registered under ADADELTA_KERNEL on the current backend for
 * float32 tensors of one shape, and the composed ops (the closed form) anywhere else: on a
 * backend without the kernel (here cpu), and for tensors the kernel does not take.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADADELTA_KERNEL, adadeltaStep } from '../../src/optim/index.ts';
import { tf } from '../../src/tf.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  if (tf.getKernel(ADADELTA_KERNEL, 'cpu')) tf.unregisterKernel(ADADELTA_KERNEL, 'cpu');
});

describe('adadeltaStep', () => {
  it('without the kernel: the closed form by TF.js ops', () => {
    expect(tf.getKernel(ADADELTA_KERNEL, 'cpu')).toBeUndefined();
    const [g, a, d] = [
      [0.5, -2, 0],
      [0.1, 0, 3],
      [0.2, 1e-3, 0],
    ];
    const got = tf.tidy(() => adadeltaStep(tf.tensor1d(g), tf.tensor1d(a), tf.tensor1d(d), 0.9, 1e-6).map((t) => Array.from(t.dataSync())));
    g.forEach((gi, i) => {
      const a1 = 0.9 * a[i]! + 0.1 * gi * gi;
      const u = (gi * Math.sqrt(d[i]! + 1e-6)) / Math.sqrt(a1 + 1e-6);
      expect(got[0]![i]).toBeCloseTo(u, 6);
      expect(got[1]![i]).toBeCloseTo(a1, 6);
      expect(got[2]![i]).toBeCloseTo(0.9 * d[i]! + 0.1 * u * u, 6);
    });
  });

  it('with the kernel on the backend: the kernel, given the inputs and ρ, ε; not for other dtypes or shapes', () => {
    const seen: unknown[] = [];
    tf.registerKernel({
      kernelName: ADADELTA_KERNEL,
      backendName: 'cpu',
      kernelFunc: ({ inputs, attrs, backend }) => {
        seen.push(attrs);
        const b = backend as tf.KernelBackend & { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo };
        const { g } = inputs as { g: tf.TensorInfo };
        return [1, 2, 3].map((v) => b.makeTensorInfo([...g.shape], 'float32', new Float32Array(tf.util.sizeFromShape(g.shape)).fill(v)));
      },
    });
    const t = (v: number[]) => tf.tensor1d(v);
    const out = tf.tidy(() => adadeltaStep(t([1, 2]), t([0, 0]), t([0, 0]), 0.95, 1e-7).map((x) => Array.from(x.dataSync())));
    expect(out).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(seen).toEqual([{ rho: 0.95, eps: 1e-7 }]);
    // A state of another shape: the composed ops (which broadcast).
    tf.tidy(() => adadeltaStep(t([1, 2]), tf.scalar(0), t([0, 0]), 0.95, 1e-7));
    expect(seen).toHaveLength(1);
  });
});
