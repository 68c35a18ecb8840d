/**
 * Training through the fused graph equals training kernel by kernel:
 *
 * - One epoch of a model with smooth activations and average pooling (MNIST images, Adadelta, an
 *   L1 penalty, a last batch that is not full, evaluations) ends within 1e-4 of the per-kernel
 *   path's weights, with the same losses and accuracy.
 * - Along a whole epoch of the reference model (ReLU, max pooling), every step's gradients from
 *   the fused graph equal the per-kernel ones from the same weights within 1e-4. Its weights after
 *   the epoch are not compared: with ReLU and max pooling a unit whose input is within float
 *   rounding of 0 (or a window with a near-tie) takes the other branch when the sums are taken in
 *   another order, and the paths part (measured: 1e-7 apart for 2–5 steps, then 1e-3 after a
 *   step where one such unit flips, on MNIST and on random images alike; the smooth model stays
 *   within 3e-6 over 16 steps).
 * - Nothing accumulates over 1000 fused steps, data-parallel (TF.js tensors, the backend's sessions
 *   and pooled arrays, the strategy's sessions, resident memory with the worker's).
 */
import { describe, expect, it } from 'vitest';
import { loadData } from '../../mnist-demo/data/mnist.ts';
import { referenceModel } from '../../mnist-demo/model.ts';
import { FusedGradients } from '../../src/backends/onnxruntime/fused/strategy.ts';
import { sessionCount } from '../../src/backends/onnxruntime/index.ts';
import { poolOf } from '../../src/backends/onnxruntime/runtime/storage.ts';
import { selectBackend } from '../../src/backends/select.ts';
import { attachToKernels, fit, optimizerFor, optimizerSpec, penalty, type RunRecord, tf, trainStep } from '../../src/index.ts';
import { batchGradients, samplesOf } from '../../src/training/batch-math.ts';
import { type GradientStrategy, localGradients } from '../../src/training/gradients.ts';
import { objectiveOf } from '../../src/training/objective.ts';
import { relErr } from '../fixtures/parity.ts';

/** 500 training and 200 test images of MNIST as tensors (one-hot labels). */
function mnist(): { train: { x: tf.Tensor; y: tf.Tensor }; test: { x: tf.Tensor; y: tf.Tensor } } {
  const set = loadData(undefined, { trainSize: 500, testSize: 200, seed: 3 });
  const split = (s: typeof set.train) => ({
    x: tf.tensor4d(s.images, [s.count, 28, 28, 1]),
    y: tf.oneHot(tf.tensor1d(Array.from(s.labels), 'int32'), 10).toFloat(),
  });
  return { train: split(set.train), test: split(set.test) };
}

/** A CNN with smooth activations and average pooling (its gradients are continuous in the weights). */
function smoothModel(): tf.LayersModel {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'tanh', ...init(1) }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'tanh', ...init(2) }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'sigmoid', ...init(3) }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'tanh', ...init(4) }),
      tf.layers.dense({ units: 10, activation: 'softmax', ...init(5) }),
    ],
  });
}

describe('training through the fused graph = kernel by kernel', () => {
  it('one epoch of a smooth CNN ends within 1e-4 of the per-kernel path (weights, losses, accuracy)', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'threads' });
    const data = mnist();
    const run = async (fused: boolean) => {
      const model = await attachToKernels(smoothModel(), { penalty: penalty('l1:1e-4') });
      const f = fused ? await FusedGradients.start(model, 'categoricalCrossentropy', 2) : localGradients;
      if (typeof f === 'string') throw new Error(f);
      const record: RunRecord = await fit(model, data.train, {
        epochs: 1,
        batchSize: 64,
        optimizer: 'adadelta:lr=1,rho=0.95',
        loss: 'categoricalCrossentropy',
        validationData: data.test,
        gradients: f as GradientStrategy,
        seed: 5,
      });
      const weights = model.getWeights().map((t) => t.dataSync().slice());
      await f.close();
      model.dispose();
      return { record, weights };
    };
    const perKernel = await run(false);
    const fused = await run(true);
    expect(fused.record.config.gradients).toBe('fused');
    expect(perKernel.record.config.gradients).toBe('per-kernel');
    perKernel.weights.forEach((w, i) => expect(relErr(w, fused.weights[i]!), `weight ${i}`).toBeLessThan(1e-4));
    const numbers = (r: RunRecord) => [r.epochs[0]!.trainLoss, r.epochs[0]!.penaltyLoss, r.epochs[0]!.testLoss!, r.epochs[0]!.testAcc!, r.initial.testLoss!];
    expect(relErr(numbers(perKernel.record), numbers(fused.record))).toBeLessThan(1e-4);
    tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  }, 180_000);

  it('every step of an epoch of the reference model: fused gradients = per-kernel ones from the same weights', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'threads' });
    const data = mnist();
    const model = await attachToKernels(referenceModel([28, 28, 1], 10, { seed: 42 }), { penalty: penalty('l1:1e-4') });
    const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2);
    if (typeof fused === 'string') throw new Error(fused);
    const errors: number[] = [];
    // Each step: both paths' gradients from the weights as they are; training goes on with the fused ones.
    const compared: GradientStrategy = {
      threads: 2,
      path: 'fused',
      gradients: async (m, batch, objective, seed) => {
        const kernel = batchGradients(m, batch, objective, 1 / samplesOf(batch));
        const f = await fused.gradients(m, batch, objective, seed);
        errors.push(
          Math.max(
            ...Object.keys(kernel.grads).map((k) => relErr(kernel.grads[k]!.dataSync(), f.grads[k]!.dataSync())),
            relErr([...kernel.scores, kernel.penalty], [...f.scores, f.penalty]),
          ),
        );
        tf.dispose(Object.values(kernel.grads));
        return f;
      },
      evaluate: (m, batch, objective) => fused.evaluate(m, batch, objective),
      close: async () => undefined,
    };
    await fit(model, data.train, { epochs: 1, batchSize: 64, optimizer: 'adadelta:lr=1,rho=0.95', gradients: compared, seed: 5 });
    expect(errors).toHaveLength(8);
    errors.forEach((e, i) => expect(e, `step ${i + 1}`).toBeLessThan(1e-4));
    await fused.close();
    model.dispose();
    tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  }, 180_000);
});

describe('no leaks through the fused graph over 1000 steps', () => {
  it('tensors, sessions, pooled arrays and RSS are flat', async () => {
    await selectBackend('onnxruntime', { threads: 2, parallel: 'threads' });
    // Every kind of layer the reference model has, smaller (each step's activations ~0.3 MB a tensor).
    const small = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
        tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const model = await attachToKernels(small, { penalty: penalty('l2:1e-4') });
    // Data-parallel (the default): this thread's sessions and a worker's over shared arrays.
    const fused = await FusedGradients.start(model, 'categoricalCrossentropy', 2, 'data');
    if (typeof fused === 'string') throw new Error(fused);
    const opt = optimizerFor(model, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    // Two batch sizes, as an epoch has (its last batch runs padded in the same session).
    const batches = [16, 11].map(
      (n, i) => [tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', i), tf.oneHot(tf.randomUniform([n], 0, 10, 'int32', 7 + i), 10).toFloat()] as const,
    );
    const objective = objectiveOf(model, 'categoricalCrossentropy');
    const pool = poolOf(tf.backend());
    const seen: Record<number, { tensors: number; bytes: number; sessions: number; fused: number; pooled: number; inUse: number; rss: number }> = {};
    for (let step = 1; step <= 1000; step++) {
      const [x, y] = batches[step % 2 === 1 ? 0 : 1]!;
      await trainStep(model, opt, x, y, { gradients: fused });
      if (step % 50 === 0) await fused.evaluate(model, { xs: [x], ys: [y] }, objective);
      if (step === 200 || step === 1000) {
        const m = tf.memory();
        const { tracked, inUse } = pool.stats();
        seen[step] = {
          tensors: m.numTensors,
          bytes: m.numBytes,
          sessions: sessionCount(),
          fused: fused.sessions,
          pooled: tracked,
          inUse,
          rss: process.memoryUsage().rss / 2 ** 20,
        };
      }
    }
    const [a, b] = [seen[200]!, seen[1000]!];
    expect(b.fused).toBe(2);
    // The pool may drop idle arrays (of earlier tests) meanwhile; it must not gain any.
    expect(b.pooled).toBeLessThanOrEqual(a.pooled);
    expect({ ...b, rss: 0, pooled: 0 }).toEqual({ ...a, rss: 0, pooled: 0 });
    expect(b.rss - a.rss, `RSS ${a.rss.toFixed(0)} MB at step 200, ${b.rss.toFixed(0)} MB at step 1000`).toBeLessThan(40);
    await fused.close();
    tf.dispose(batches.flat());
    opt.dispose();
    model.dispose();
    small.dispose();
  }, 300_000);
});
