import { describe, expect, it } from 'vitest';
import { Adadelta, tf } from '../../src/index.ts';
import { expectClose } from '../helpers.ts';

/** Keras's Adadelta by hand on plain numbers, for a sequence of gradients. */
function byHand(w0: number[], grads: number[][], lr: number, rho: number, eps = 1e-7): number[] {
  const w = [...w0];
  const a = w.map(() => 0);
  const u = w.map(() => 0);
  for (const g of grads) {
    for (let i = 0; i < w.length; i++) {
      a[i] = rho * a[i]! + (1 - rho) * g[i]! ** 2;
      const d = (g[i]! * Math.sqrt(u[i]! + eps)) / Math.sqrt(a[i]! + eps);
      u[i] = rho * u[i]! + (1 - rho) * d * d;
      w[i]! -= lr * d;
    }
  }
  return w;
}

describe('Adadelta (Keras update)', () => {
  const w0 = [0.5, -1.2, 3, 0];
  const grads = [
    [10, -0.3, 0.02, 5],
    [8, 0.1, -0.05, -2],
    [-3, 0.2, 0.01, 1],
  ];

  it('matches the formula by hand over several steps', () => {
    const w = tf.variable(tf.tensor1d(w0), true, 'adadelta_test_w');
    const opt = new Adadelta(1.0, 0.95);
    for (const g of grads) opt.applyGradients({ adadelta_test_w: tf.tensor1d(g) });
    expectClose(Array.from(w.dataSync()), byHand(w0, grads, 1.0, 0.95), 1e-5, 1e-7);
  });

  it('takes a small first step where TF.js takes the whole gradient', () => {
    const w = tf.variable(tf.tensor1d([0]), true, 'adadelta_first_w');
    new Adadelta(1.0, 0.95).applyGradients({ adadelta_first_w: tf.tensor1d([100]) });
    // √ε / √(0.05·100² + ε) · 100 ≈ 1.41e-3
    expectClose(Array.from(w.dataSync()), [-Math.sqrt(1e-7) / Math.sqrt(0.05 * 1e4 + 1e-7) * 100], 1e-4);
    const v = tf.variable(tf.tensor1d([0]), true, 'adadelta_tfjs_w');
    // TF.js's own optimizer, for contrast (its typing asks for Variables).
    tf.train.adadelta(1.0, 0.95).applyGradients({ adadelta_tfjs_w: tf.tensor1d([100]) } as never);
    expect(v.dataSync()[0]).toBeCloseTo(-100, 3);
  });

  it('saves and restores its state exactly', async () => {
    const a = tf.variable(tf.tensor1d(w0), true, 'adadelta_save_a');
    const b = tf.variable(tf.tensor1d(w0), true, 'adadelta_save_b');
    const optA = new Adadelta(1.0, 0.9);
    optA.applyGradients({ adadelta_save_a: tf.tensor1d(grads[0]!) });
    const optB = new Adadelta(1.0, 0.9);
    optB.applyGradients({ adadelta_save_b: tf.tensor1d(grads[0]!) });
    const restored = new Adadelta(1.0, 0.9);
    await restored.setWeights(await optB.getWeights());
    optA.applyGradients({ adadelta_save_a: tf.tensor1d(grads[1]!) });
    restored.applyGradients({ adadelta_save_b: tf.tensor1d(grads[1]!) });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(restored.iterations).toBe(2);
  });
});
