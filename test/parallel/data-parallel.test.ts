import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraint, crossEntropyFromLogits, DataParallel, optimizerFor, optimizerSpec, penalty, selectBackend, shardsOf, tf, trainStep } from '../../src/index.ts';
import { buildReferenceModel, logitsOf } from '../../mnist-demo/model.ts';
import { relErr } from '../fixtures/parity.ts';

const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i * 1.37 + seed) * Math.cos(i * 0.11)));

describe('shardsOf', () => {
  it.each([
    [128, 2, [64, 64]],
    [96, 3, [32, 32, 32]],
    [7, 2, [4, 3]],
    [1, 3, [1]],
  ])('%i samples in %i shards', (n, parts, sizes) => {
    const shards = shardsOf(n, parts);
    expect(shards.map((s) => s.end - s.start).sort((a, b) => b - a)).toEqual(sizes);
    expect(shards[0]!.start).toBe(0);
    expect(shards.at(-1)!.end).toBe(n);
    shards.slice(1).forEach((s, i) => expect(s.start).toBe(shards[i]!.end));
  });
});

describe('data-parallel training on wasm (main thread + 1 worker thread)', () => {
  let dp: DataParallel;
  const n = 6;
  const xs = data(n * 28 * 28, 1);
  const labels = [3, 1, 4, 1, 5, 9];
  const batch = () => [tf.tensor4d(xs, [n, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)] as const;
  const model = () => {
    const m = buildReferenceModel({ penalty: penalty('l2:1e-3'), constraint: constraint('maxnorm:m=1.5,axis=-1'), seed: 11 });
    return { m, logits: logitsOf(m) };
  };

  beforeAll(async () => {
    await selectBackend('wasm', { threads: 2 });
    const { m, logits } = model();
    dp = await DataParallel.start(logits, 1);
    m.dispose();
  }, 60_000);
  afterAll(async () => dp?.close());

  it('two steps equal the one-thread step from the same weights (weights, loss, accuracy, projections)', async () => {
    const one = model();
    const two = model();
    const optOne = optimizerFor(one.logits, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const optTwo = optimizerFor(two.logits, optimizerSpec('adadelta:lr=1,rho=0.95').transform);
    const [x, y] = batch();
    for (let step = 0; step < 2; step++) {
      const a = trainStep(one.logits, optOne, x, y, { loss: crossEntropyFromLogits, accuracy: true, measureConstraints: true });
      const b = await dp.trainStep(two.logits, optTwo, x, y, { measureConstraints: true });
      expect(b.dataLoss).toBeCloseTo(a.dataLoss, 4);
      expect(b.penaltyLoss).toBeCloseTo(a.penaltyLoss, 5);
      expect(b.accuracy).toBeCloseTo(a.accuracy, 6);
      expect(Object.keys(b.projected)).toEqual(Object.keys(a.projected));
      expect(Object.keys(a.projected)).toContain('conv2d_2/kernel');
    }
    const wa = one.logits.getWeights().map((w) => w.dataSync());
    const wb = two.logits.getWeights().map((w) => w.dataSync());
    wa.forEach((w, i) => expect(relErr(w, wb[i]!)).toBeLessThan(1e-4));
    // The step really moved the weights (otherwise equality would prove nothing).
    const w0 = model().logits.getWeights()[2]!.dataSync();
    expect(relErr(w0, wb[2]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
    [one, two].forEach((r) => r.m.dispose());
    optOne.dispose();
    optTwo.dispose();
  }, 60_000);

  it('evaluation shared between threads equals evaluation on one thread', async () => {
    const { m, logits } = model();
    const [x, y] = batch();
    const single = await DataParallel.start(logits, 0);
    const a = await single.evaluate(logits, x.dataSync() as Float32Array, y.dataSync() as Float32Array, n, 2);
    const b = await dp.evaluate(logits, x.dataSync() as Float32Array, y.dataSync() as Float32Array, n, 2);
    const p = tf.tidy(() => logits.predict(x) as tf.Tensor);
    const expectedLoss = tf.tidy(() => tf.losses.softmaxCrossEntropy(y, p).dataSync()[0]! * n);
    const expectedCorrect = tf.tidy(() => tf.sum(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1))).dataSync()[0]!);
    expect(a.lossSum).toBeCloseTo(expectedLoss, 3);
    expect(b.lossSum).toBeCloseTo(expectedLoss, 3);
    expect(a.correct).toBe(expectedCorrect);
    expect(b.correct).toBe(expectedCorrect);
    tf.dispose([x, y, p]);
    m.dispose();
  }, 60_000);

  it('leaves no tensors behind on the main thread', async () => {
    const { m, logits } = model();
    const opt = optimizerFor(logits, optimizerSpec('sgd:lr=0.01').transform);
    const [x, y] = batch();
    await dp.trainStep(logits, opt, x, y);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await dp.trainStep(logits, opt, x, y);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    opt.dispose();
    m.dispose();
  }, 60_000);

  it('a worker failure rejects the step with its message', async () => {
    const { m, logits } = model();
    // A 27×27 batch does not fit the model: every shard fails; the error says why.
    await expect(dp.evaluate(logits, new Float32Array(4 * 27 * 27), new Float32Array(40), 4)).rejects.toThrow(/shape/);
    // The worker survives a failed request.
    const ok = await dp.evaluate(logits, new Float32Array(4 * 28 * 28), new Float32Array(40).fill(0.1), 4);
    expect(ok.correct).toBeGreaterThanOrEqual(0);
    m.dispose();
  }, 60_000);
});
