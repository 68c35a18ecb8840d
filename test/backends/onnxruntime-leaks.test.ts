/**
 * Nothing accumulates over 1000 training steps on the onnxruntime backend: TF.js tensors, ONNX
 * Runtime sessions, the pool of output arrays (and those in use), deferred convolutions, and the
 * process's resident memory (a leak of
 * native memory, ORT's or the arrays', shows only there). Every step's activations are ~0.3 MB
 * per tensor, so leaking one of them a step would add ~250 MB.
 *
 * Garbage is collected before each measurement: V8 grows its heap lazily, so without it the
 * uncollected garbage of 800 steps (≈ 20–50 MB) shows in RSS and the check fails by chance.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sessionCount } from '../../src/backends/onnxruntime/index.ts';
import { deferredOf, poolOf } from '../../src/backends/onnxruntime/runtime/storage.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { attachToKernels, constraint, optimizerFor, optimizerSpec, penalty, tf, trainStep } from '../../src/index.ts';

/** V8's full garbage collection, exposed at run time (vitest's workers start without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

describe('no leaks on onnxruntime over 1000 steps', () => {
  it('tensors, sessions, pooled arrays and RSS are flat', async () => {
    await selectBackend('onnxruntime', { threads: 1 });
    // Strided and padded convolutions, pooling and a dense layer: every kind of replaced kernel.
    const conv = (filters: number, strides: number) =>
      tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: strides > 1 ? 'same' : 'valid', activation: 'relu' });
    const model = tf.sequential();
    model.add(tf.layers.inputLayer({ inputShape: [28, 28, 1] }));
    model.add(conv(8, 1));
    model.add(conv(8, 2));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    const controlled = await attachToKernels(model, { penalty: penalty('l1:1e-4'), constraint: constraint('maxnorm:m=2') });
    const opt = optimizerFor(controlled, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.randomUniform([16], 0, 10, 'int32', 2), 10);
    const pool = poolOf(tf.backend());
    const seen: Record<
      number,
      { tensors: number; bytes: number; sessions: number; pooled: number; inUse: number; pending: number; rss: number; heap: number }
    > = {};
    for (let step = 1; step <= 1000; step++) {
      await trainStep(controlled, opt, x, y);
      if (step === 200 || step === 1000) {
        collectGarbage();
        const m = tf.memory();
        const { tracked, inUse } = pool.stats();
        seen[step] = {
          tensors: m.numTensors,
          bytes: m.numBytes,
          sessions: sessionCount(),
          pooled: tracked,
          inUse,
          pending: deferredOf(tf.backend()).size,
          rss: process.memoryUsage().rss / 2 ** 20,
          heap: process.memoryUsage().heapUsed / 2 ** 20,
        };
      }
    }
    const [a, b] = [seen[200]!, seen[1000]!];
    expect(b.tensors).toBe(a.tensors);
    expect(b.bytes).toBe(a.bytes);
    expect(b.sessions).toBe(a.sessions);
    expect(b.pooled).toBe(a.pooled);
    expect(b.inUse).toBe(a.inUse);
    expect(b.pending).toBe(0);
    expect(b.heap - a.heap, `JS heap ${a.heap.toFixed(1)} MB at step 200, ${b.heap.toFixed(1)} MB at step 1000`).toBeLessThan(5);
    expect(b.rss - a.rss, `RSS ${a.rss.toFixed(0)} MB at step 200, ${b.rss.toFixed(0)} MB at step 1000`).toBeLessThan(40);
    tf.dispose([x, y]);
    controlled.dispose();
    model.dispose();
  }, 120_000);
});
