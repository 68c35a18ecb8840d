/**
 * Deferred convolutions (src/backends/onnxruntime/deferred.ts): Conv2D ─► Add(bias) ─► Relu runs as
 * one fused session, yet every tensor of the chain reads as the cpu backend computes it, when read
 * before or after the Relu, through a clone, and pending tensors are dropped when disposed unread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deferredOf, poolOf } from '../../src/backends/onnxruntime/runtime/storage.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { type Tensor, tf } from '../../src/tf.ts';
import { on, relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11));
const x = data(12 * 14 * 14 * 16, 1);
const w = data(9 * 16 * 32, 2);
const b = data(32, 3);

/** The layer as TF.js runs it in training: three kernels (on an input in a pooled array: an ONNX Runtime output). */
function chain(): { c: Tensor; z: Tensor; y: Tensor } {
  const c = tf.conv2d(tf.abs(tf.tensor4d(x, [12, 14, 14, 16])), tf.tensor4d(w, [3, 3, 16, 32]), 1, 'valid');
  const z = tf.add(c, tf.tensor1d(b));
  return { c, z, y: tf.relu(z) };
}

beforeAll(async () => {
  await selectBackend('onnxruntime', { threads: 1 });
});

describe('deferred convolutions on onnxruntime = the cpu backend', () => {
  it('the conv, the biased conv and the relu read right, in any order: after the fused relu, before it, through clones', async () => {
    const cpu = await on('cpu', () => Object.values(chain()));
    const orders: Array<() => Tensor[]> = [
      () => {
        const { c, z, y } = chain();
        return [c, z, y];
      },
      () => {
        const { c, z, y } = chain();
        return [y, z, c].reverse();
      },
      () => {
        const { c, z } = chain();
        return [tf.clone(c), tf.clone(z), tf.relu(tf.clone(z))];
      },
    ];
    for (const f of orders) {
      await tf.setBackend('onnxruntime');
      const ort = tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
      cpu.forEach((c, i) => expect(relErr(c, ort[i]!), `tensor ${i}`).toBeLessThan(1e-4));
    }
  });

  it('the relu of a pending biased conv runs without computing the conv or its sum; unread, they are dropped on disposal', async () => {
    await tf.setBackend('onnxruntime');
    const deferred = deferredOf(tf.backend());
    const pool = poolOf(tf.backend());
    const inUse = pool.stats().inUse;
    const y = tf.tidy(() => {
      const { c, z, y } = chain();
      expect(deferred.has(c) && deferred.has(z)).toBe(true);
      expect(deferred.has(y)).toBe(false);
      return y;
    });
    expect(deferred.size).toBe(0);
    // The output's array in use, and the conv input's no more (the pending tensors held it).
    expect(pool.stats().inUse).toBe(inUse + 1);
    y.dispose();
    expect(pool.stats().inUse).toBe(inUse);
  });

  it('a training step through the chain gives the cpu backend’s gradients', async () => {
    const grads = () => {
      const [xt, wt, bt] = [tf.tensor4d(x, [12, 14, 14, 16]), tf.tensor4d(w, [3, 3, 16, 32]), tf.tensor1d(b)];
      const g = tf.grads((p: Tensor, q: Tensor, r: Tensor) => {
        const y = tf.relu(tf.add(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'valid'), r));
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return g([xt, wt, bt]);
    };
    const cpu = await on('cpu', grads);
    const ort = await on('onnxruntime', grads);
    cpu.forEach((c, i) => expect(relErr(c, ort[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    expect(deferredOf(tf.backend()).size).toBe(0);
  });
});
