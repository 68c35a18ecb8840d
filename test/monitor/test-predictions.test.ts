/**
 * A monitor that wants them (`wantsTestPredictions`) is given the evaluation's own outputs on the
 * validation data at each epoch's end: the probabilities the recorded accuracy was counted on (the
 * accuracy of their argmax is `testAcc`, exactly), one array per output, no tensor left over across
 * epochs; a run without such a monitor keeps none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type EpochEnd, evaluate, fit, type Monitor, type Predictions, tf } from '../../src/index.ts';
import { accuracyOf } from '../fixtures/predictions.ts';

const n = 37; // not a multiple of the evaluation's chunk of 256… nor of anything else
const classes = 3;
const wave = (k: number, seed: number) => Float32Array.from({ length: k }, (_, i) => Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11 + seed));

function model(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  return m;
}

let x: tf.Tensor;
let y: tf.Tensor;
let xv: tf.Tensor;
let yv: tf.Tensor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.tensor2d(wave(64 * 4, 1), [64, 4]);
  y = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => (i * 7) % classes),
        'int32',
      ),
      classes,
    )
    .toFloat();
  xv = tf.tensor2d(wave(n * 4, 5), [n, 4]);
  yv = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: n }, (_, i) => (i * 5 + 1) % classes),
        'int32',
      ),
      classes,
    )
    .toFloat();
});

describe('testPredictions', () => {
  it('are the evaluation’s probabilities: testAcc is their accuracy, they are model.predict’s, and no tensor stays behind', async () => {
    const m = model();
    const seen: Array<{ epoch: number; p: Predictions; predicted: Float32Array; tensors: number }> = [];
    const watcher: Monitor = {
      name: 'watcher',
      wantsTestPredictions: true,
      onEpochEnd: ({ epoch, testPredictions }, { model }) => {
        const p = testPredictions?.[0];
        if (!p) throw new Error(`no testPredictions at epoch ${epoch}`);
        const predicted = tf.tidy(() => (model.predict(xv) as tf.Tensor).dataSync() as Float32Array);
        seen.push({ epoch, p: { values: p.values.slice(), shape: p.shape }, predicted, tensors: tf.memory().numTensors });
        return null;
      },
    };
    const others: Array<EpochEnd['testPredictions']> = [];
    const other: Monitor = {
      name: 'other',
      onEpochEnd: ({ testPredictions }) => {
        others.push(testPredictions);
        return null;
      },
    };
    const record = await fit(
      m,
      { x, y },
      { epochs: 3, batchSize: 16, seed: 3, loss: 'categoricalCrossentropy', validationData: [xv, yv], monitors: [watcher, other] },
    );

    expect(seen.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    const snapshots = [record.initial, ...record.epochs];
    seen.forEach(({ p, predicted }, i) => {
      expect(p.shape).toEqual([n, classes]);
      expect(accuracyOf(p, yv)).toBe(snapshots[i]!.testAcc);
      p.values.forEach((v, k) => expect(Math.abs(v - predicted[k]!)).toBeLessThan(1e-6));
    });
    // Trained: the predictions move with the weights.
    expect(seen[3]!.p.values).not.toEqual(seen[0]!.p.values);
    // The other monitor is given the same (shared) values.
    expect(others.every((o) => o !== undefined)).toBe(true);
    // No tensor kept from one epoch to the next.
    expect(new Set(seen.slice(1).map((s) => s.tensors)).size).toBe(1);
    m.dispose();
  });

  it('are not kept when no monitor wants them, nor given without validation data', async () => {
    const m = model();
    const given: unknown[] = [];
    const plain: Monitor = {
      name: 'plain',
      onEpochEnd: ({ testPredictions }) => {
        given.push(testPredictions);
        return null;
      },
    };
    await fit(m, { x, y }, { epochs: 1, batchSize: 32, loss: 'categoricalCrossentropy', validationData: [xv, yv], monitors: [plain] });
    const wanting: Monitor = { ...plain, wantsTestPredictions: true };
    await fit(m, { x, y }, { epochs: 1, batchSize: 32, loss: 'categoricalCrossentropy', monitors: [wanting] });
    expect(given).toEqual([undefined, undefined, undefined, undefined]);
    m.dispose();
  });

  it('a wantsTestPredictions that is not a boolean is refused, naming the monitor', async () => {
    const m = model();
    const odd = { name: 'odd', wantsTestPredictions: 'yes', onEpochEnd: () => null } as unknown as Monitor;
    await expect(fit(m, { x, y }, { epochs: 1, loss: 'categoricalCrossentropy', monitors: [odd] })).rejects.toThrow(
      /monitor 'odd': its wantsTestPredictions is string; make it true or false/,
    );
    m.dispose();
  });

  it('evaluate gives them, shaped by the output, for a model whose loss takes logits (the softmax of them)', async () => {
    const m = model();
    const { acc, predictions } = await evaluate(m, { x: [xv], y: [yv] }, { loss: 'categoricalCrossentropy', predictions: true });
    expect(predictions?.map((p) => p.shape)).toEqual([[n, classes]]);
    expect(accuracyOf(predictions![0]!, yv)).toBe(acc);
    // rows of probabilities
    for (let i = 0; i < n; i++)
      expect(Math.abs(predictions![0]!.values.subarray(i * classes, (i + 1) * classes).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    expect((await evaluate(m, { x: [xv], y: [yv] }, { loss: 'categoricalCrossentropy' })).predictions).toBeUndefined();
    m.dispose();
  });
});
