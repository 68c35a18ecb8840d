import { describe, expect, it } from 'vitest';
import {
  constraint,
  DataError,
  DivergedError,
  enforceConstraints,
  fit,
  optimizerFor,
  optimizerSpec,
  PenaltyExplorerError,
  penalty,
  RUN_FORMAT,
  type RunRecord,
  recordWeights,
  snapshots,
  tf,
  trainStep,
} from '../../src/index.ts';

/** Three separable classes of 4-feature points (seeded), as tensors: x [n, 4], labels [n] and one-hot [n, 3]. */
function blobs(n: number, seed = 1) {
  const x: number[] = [];
  const labels: number[] = [];
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    x.push(c === 0 ? 1.5 : -0.5, c === 1 ? 1.5 : -0.5, c === 2 ? 1.5 : -0.5, 0);
    for (let j = 0; j < 4; j++) x[4 * i + j]! += 0.3 * rand();
  }
  return { x: tf.tensor2d(x, [n, 4]), sparse: tf.tensor1d(labels, 'float32'), oneHot: tf.oneHot(tf.tensor1d(labels, 'int32'), 3) };
}

const dense = (options: { reg?: boolean; softmax?: boolean; constraint?: string } = {}) =>
  tf.sequential({
    name: 'small_dense',
    layers: [
      tf.layers.dense({
        name: 'hidden',
        units: 8,
        inputShape: [4],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        ...(options.reg ? { kernelRegularizer: penalty('l1:1e-3') } : {}),
        ...(options.constraint ? { kernelConstraint: constraint(options.constraint) } : {}),
      }),
      tf.layers.dense({
        name: 'out',
        units: 3,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        ...(options.softmax ? { activation: 'softmax' } : {}),
      }),
    ],
  });

/** A conv net with `same` padding and stride 2 on 8×8×2 images. */
const convNet = () =>
  tf.sequential({
    name: 'strided_cnn',
    layers: [
      tf.layers.conv2d({
        name: 'c1',
        inputShape: [8, 8, 2],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
        kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
      }),
      tf.layers.conv2d({
        name: 'c2',
        filters: 6,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
        kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
      }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({
        name: 'head',
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
        kernelRegularizer: penalty('deadzone:1e-3,a=0.1'),
      }),
    ],
  });

function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('fit on a model that is not the reference CNN', () => {
  it('a small dense net: the record has every layer, kernels and biases apart, and the model learns', async () => {
    const train = blobs(96);
    const test = blobs(30, 7);
    const model = dense({ reg: true, softmax: true });
    const record = await fit(
      model,
      { x: train.x, y: train.sparse },
      {
        epochs: 4,
        batchSize: 16,
        optimizer: 'adam:lr=0.05',
        loss: 'sparseCategoricalCrossentropy',
        validationData: { x: test.x, y: test.sparse },
        seed: 3,
        name: 'blobs',
      },
    );
    expect(record.format).toBe(RUN_FORMAT);
    expect(record.config).toMatchObject({
      name: 'blobs',
      model: { name: 'small_dense', weights: 4 * 8 + 8 + 8 * 3 + 3, trainableWeights: 4 * 8 + 8 + 8 * 3 + 3, inputShape: [4], outputShape: [3] },
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['acc'],
      trainer: 'fit',
      optimizer: 'adam:lr=0.05,beta1=0.9,beta2=0.999,eps=1e-7',
      penalty: 'l1:0.001',
      trainSize: 96,
      testSize: 30,
      batchSize: 16,
      epochs: 4,
    });
    expect(record.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    // The penalty is on the hidden layer's kernel alone.
    expect(record.config.weights.map((w) => [w.name, w.penalty?.spec])).toEqual([
      ['hidden/kernel', 'l1:0.001'],
      ['hidden/bias', undefined],
      ['out/kernel', undefined],
      ['out/bias', undefined],
    ]);
    for (const s of snapshots(record)) {
      expect(s.layers.map((l) => l.name)).toEqual(['hidden', 'out']);
      expect(s.layers[0]!.weights!.map((w) => [w.name, w.kind, w.shape])).toEqual([
        ['hidden/kernel', 'kernel', [4, 8]],
        ['hidden/bias', 'bias', [8]],
      ]);
      expect(s.histogram.count).toBe(67);
      expect(s.layers.reduce((n, l) => n + l.count, 0)).toBe(67);
      expect(s.norms.map((n) => [n.layer, n.norms.length])).toEqual([
        ['hidden', 8],
        ['out', 3],
      ]);
    }
    // Only the hidden layer carries a penalty.
    expect(record.epochs[0]!.layers[0]!.penalty).toBeGreaterThan(0);
    expect(record.epochs[0]!.layers[1]!.penalty).toBe(0);
    expect(record.epochs.at(-1)!.testAcc).toBeGreaterThan(0.9);
    expect(record.epochs.at(-1)!.testLoss!).toBeLessThan(record.initial.testLoss!);
    tf.dispose([train.x, train.sparse, train.oneHot, test.x, test.sparse, test.oneHot]);
    model.dispose();
  });

  it('a conv net with same padding and stride 2 and a softmax Dense head: histograms for every layer', async () => {
    const x = tf.randomUniform([24, 8, 8, 2], 0, 1, 'float32', 11);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 24 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const model = convNet();
    const record = await fit(model, { x, y }, { epochs: 2, batchSize: 8, optimizer: 'sgd:lr=0.1', validationData: { x, y } });
    expect(record.config.penalty).toBe('deadzone:0.001,a=0.1');
    expect(record.config.loss).toBe('categoricalCrossentropy');
    for (const s of snapshots(record)) {
      expect(s.layers.map((l) => l.name)).toEqual(['c1', 'c2', 'head']);
      expect(s.layers.map((l) => l.weights!.map((w) => w.kind))).toEqual([
        ['kernel', 'bias'],
        ['kernel', 'bias'],
        ['kernel', 'bias'],
      ]);
      expect(s.layers[0]!.weights![0]!.shape).toEqual([3, 3, 2, 4]);
      expect(s.histogram.count).toBe(3 * 3 * 2 * 4 + 4 + 3 * 3 * 4 * 6 + 6 + 4 * 4 * 6 * 3 + 3);
      expect(s.norms.map((n) => n.norms.length)).toEqual([4, 6, 3]);
    }
    expect(record.epochs.every((e) => Number.isFinite(e.trainLoss) && e.penaltyLoss > 0)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('is the project step: one epoch in order equals trainStep over the same batches', async () => {
    const data = blobs(40);
    const a = dense({ reg: true, constraint: 'maxnorm:m=0.8' });
    const b = dense({ reg: true, constraint: 'maxnorm:m=0.8' });
    await fit(a, { x: data.x, y: data.oneHot }, { epochs: 1, batchSize: 16, optimizer: 'adadelta:lr=1', shuffle: false });
    const opt = optimizerFor(b, optimizerSpec('adadelta:lr=1').transform);
    for (let s = 0; s < 40; s += 16) {
      const n = Math.min(16, 40 - s);
      await trainStep(b, opt, tf.slice(data.x, s, n), tf.slice(data.oneHot, s, n));
    }
    const [wa, wb] = [weightsOf(a), weightsOf(b)];
    wa.forEach((w, i) => expect(w, `weight ${i}`).toEqual(wb[i]));
    // The constraint was applied: every hidden unit's incoming norm is at most 0.8.
    const k = tf.tidy(() => tf.norm(a.getWeights()[0]!, 'euclidean', 0).dataSync());
    expect(Math.max(...k)).toBeLessThanOrEqual(0.8 + 1e-5);
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('continuing a record (with the same optimiser) ends where an uninterrupted run does', async () => {
    const data = blobs(48);
    const whole = dense();
    await fit(whole, { x: data.x, y: data.oneHot }, { epochs: 3, batchSize: 16, optimizer: optimizerFor(whole, optimizerSpec('adam:lr=0.01').transform) });
    const parts = dense();
    const opt = optimizerFor(parts, optimizerSpec('adam:lr=0.01').transform);
    const first: RunRecord = await fit(parts, { x: data.x, y: data.oneHot }, { epochs: 1, batchSize: 16, optimizer: opt });
    const rest = await fit(parts, { x: data.x, y: data.oneHot }, { epochs: 3, batchSize: 16, optimizer: opt, from: first });
    expect(rest.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(rest.initial).toEqual(first.initial);
    expect(weightsOf(parts)).toEqual(weightsOf(whole));
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it("continuing a record without a seed trains with the record's seed; another seed is refused", async () => {
    const data = blobs(48);
    const xy = { x: data.x, y: data.oneHot };
    const whole = dense();
    await fit(whole, xy, { epochs: 2, batchSize: 16, optimizer: 'sgd:lr=0.1', seed: 7 });
    const parts = dense();
    const first = await fit(parts, xy, { epochs: 1, batchSize: 16, optimizer: 'sgd:lr=0.1', seed: 7 });
    await expect(fit(parts, xy, { epochs: 2, batchSize: 16, optimizer: 'sgd:lr=0.1', seed: 8, from: first })).rejects.toThrow(
      'the record continued (from) was trained with seed 7, this run gives seed 8: its epochs would not repeat from the seed it records; give seed 7 or leave seed out',
    );
    const rest = await fit(parts, xy, { epochs: 2, batchSize: 16, optimizer: 'sgd:lr=0.1', from: first });
    expect(rest.config.seed).toBe(7);
    // The batches of epoch 2 came in seed 7's order, as in the uninterrupted run.
    expect(weightsOf(parts)).toEqual(weightsOf(whole));
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('refuses a seed that is not a whole number (1.5 drew the masks of 1; NaN was recorded as null)', async () => {
    const data = blobs(12);
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])
      await expect(fit(dense(), { x: data.x, y: data.oneHot }, { epochs: 1, batchSize: 6, seed })).rejects.toThrow(
        `seed must be a whole number (at most 2^53 − 1 in size), got ${String(seed)}`,
      );
    expect((await fit(dense(), { x: data.x, y: data.oneHot }, { epochs: 1, batchSize: 6, seed: -3 })).config.seed).toBe(-3);
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('takes a tf.data.Dataset of { xs, ys } batches', async () => {
    const data = blobs(30);
    const ds = tf.data.zip({ xs: tf.data.array(tf.unstack(data.x)), ys: tf.data.array(tf.unstack(data.oneHot)) }).batch(10) as unknown as tf.data.Dataset<{
      xs: tf.Tensor;
      ys: tf.Tensor;
    }>;
    const record = await fit(dense(), ds, { epochs: 2, optimizer: 'sgd:lr=0.1' });
    expect(record.config.data).toBe('dataset');
    // The batch size the record states is the dataset's own; another one given is refused.
    expect(record.config.batchSize).toBe(10);
    await expect(fit(dense(), ds, { epochs: 1, batchSize: 32, optimizer: 'sgd:lr=0.1' })).rejects.toThrow(
      'batchSize 32 with a dataset of batches of 10: a dataset brings its own batches (dataset.batch(n)); leave batchSize out',
    );
    expect((await fit(dense(), ds, { epochs: 1, batchSize: 10, optimizer: 'sgd:lr=0.1' })).config.batchSize).toBe(10);
    expect(record.epochs).toHaveLength(2);
    expect(record.epochs[0]!.testLoss).toBeNull();
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('a run a callback ends early gets the prune curve asked for after the last epoch, after the epoch it ends', async () => {
    const data = blobs(30);
    const model = dense();
    const stop = new tf.CustomCallback({
      onEpochEnd: async (epoch: number) => {
        if (epoch === 1) model.stopTraining = true;
      },
    });
    const record = await fit(
      model,
      { x: data.x, y: data.oneHot },
      { epochs: 5, batchSize: 10, loss: 'categoricalCrossentropy', validationData: { x: data.x, y: data.oneHot }, prune: true, callbacks: [stop] },
    );
    expect(record.endedEarly?.epoch).toBe(2);
    // Before, 'the last epoch' meant epoch 5, which never came: no curve at all.
    expect(record.epochs.map((e) => e.prune !== undefined)).toEqual([false, true]);
    expect(record.epochs[1]!.prune!.global[0]!.level).toBe(0);
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('stops with DivergedError when the loss becomes infinite, keeping the record so far', async () => {
    const data = blobs(30);
    const model = dense();
    const err = await fit(model, { x: data.x, y: data.oneHot }, { epochs: 5, batchSize: 10, optimizer: 'sgd:lr=1e30', loss: 'meanSquaredError' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergedError);
    const d = err as DivergedError;
    expect(d.record.stopped).toMatchObject({ epoch: d.epoch, batch: d.batch });
    expect(d.record.epochs).toHaveLength(d.epoch - 1);
    expect(d.message).toMatch(/became NaN or infinite at epoch \d+, batch \d+/);
    // One of the library's errors, named as they are, saying what became non-finite and what to try.
    expect(d).toBeInstanceOf(PenaltyExplorerError);
    expect(d.name).toBe('DivergedError');
    expect(d.what).toMatch(/^(data loss|penalty loss|weight .+)$/);
    expect(d.message).toContain(`the ${d.what} became NaN or infinite at epoch ${d.epoch}, batch ${d.batch}`);
    expect(d.message).toMatch(/; lower the learning rate$/);
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });

  it('refuses data that does not fit the model, naming the shapes', async () => {
    const model = dense();
    const x = tf.zeros([6, 5]);
    const y = tf.zeros([6, 3]);
    await expect(fit(model, { x, y }, { epochs: 1 })).rejects.toThrow(DataError);
    await expect(fit(model, { x, y }, { epochs: 1 })).rejects.toThrow(/the model takes inputs of shape \[4\] per sample, the data's are \[5\]/);
    await expect(fit(model, { x: tf.zeros([6, 4]), y: tf.zeros([5, 3]) }, { epochs: 1 })).rejects.toThrow(/x has 6 samples but y has 5/);
    await expect(fit(model, { x: tf.zeros([6, 4]), y }, { epochs: 0 })).rejects.toThrow(/epochs must be a whole number ≥ 1/);
    await expect(fit(model, { x: tf.zeros([6, 4]), y }, { epochs: 1, loss: 'hinge' as never })).rejects.toThrow(/unknown loss 'hinge'/);
  });
});

describe('the loss reads the logits of a model that ends in a softmax', () => {
  it('categorical cross-entropy of a saturated softmax still has a gradient (as Keras computes it)', async () => {
    // Huge weights: the softmax is exactly one-hot (saturated) for every sample.
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 3,
          inputShape: [2],
          activation: 'softmax',
          kernelInitializer: tf.initializers.constant({ value: 0 }),
          biasInitializer: tf.initializers.constant({ value: 0 }),
        }),
      ],
    });
    model.layers[0]!.setWeights([
      tf.tensor2d([
        [300, -300, 0],
        [0, 0, 0],
      ]),
      tf.zeros([3]),
    ]);
    const x = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const y = tf.oneHot(tf.tensor1d([1, 1], 'int32'), 3);
    // Cross-entropy from the logits [300, −300, 0]: 600 for label 1, by hand.
    const r = await trainStep(model, tf.train.sgd(1e-3), x, y);
    expect(r.dataLoss).toBeCloseTo(600, 3);
    // The update moved the kernel (the clipped-probability form would pass no gradient here).
    expect(model.getWeights()[0]!.dataSync()[0]).toBeLessThan(300);
    tf.dispose([x, y]);
  });
});

describe("the loss reads the logits of a final Softmax layer over the output's last axis", () => {
  /** A Dense layer (kernel rows [300, −300, 0] and 0, no bias) making `shape`, then `softmax`. */
  function saturated(softmax: tf.layers.Layer, shape: number[] = [3]): tf.LayersModel {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [2], useBias: false }), tf.layers.reshape({ targetShape: shape }), softmax],
    });
    model.setWeights([
      tf.tensor2d([
        [300, -300, 0],
        [0, 0, 0],
      ]),
    ]);
    return model;
  }

  it.each([
    ['the default axis (1, the last of [batch, 3])', {}],
    ['axis −1', { axis: -1 }],
    ['a list of one axis', { axis: [1] }],
  ])('%s: the gradient of a saturated softmax is softmax(z) − y', async (_, args) => {
    const model = saturated(tf.layers.softmax(args));
    const x = tf.tensor2d([
      [1, 0],
      [1, 0],
    ]);
    const y = tf.oneHot(tf.tensor1d([1, 1], 'int32'), 3);
    const r = await trainStep(model, tf.train.sgd(1), x, y, { loss: 'categoricalCrossentropy' });
    // Logits z = [300, −300, 0] for label 1: loss 600 (the clipped probabilities would give −log 1e-7 ≈ 16.1).
    expect(r.dataLoss).toBeCloseTo(600, 3);
    // Mean over the batch of x·(softmax(z) − y) = [1, −1, 0] in the kernel's first row; sgd(1) subtracts it.
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual([299, -299, 0, 0, 0, 0]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('a Softmax layer given a mask: the loss reads its probabilities (clipped: no gradient where saturated)', async () => {
    // Masking ─► Dense ─► Softmax(−1): the mask (all kept here) reaches the Softmax layer's call.
    const model = tf.sequential({
      layers: [tf.layers.masking({ inputShape: [1, 2], maskValue: -99 }), tf.layers.dense({ units: 3, useBias: false }), tf.layers.softmax({ axis: -1 })],
    });
    model.setWeights([
      tf.tensor2d([
        [300, -300, 0],
        [0, 0, 0],
      ]),
    ]);
    const x = tf.tensor3d([[[1, 0]]]);
    const y = tf.oneHot(tf.tensor1d([1], 'int32'), 3).reshape([1, 1, 3]);
    const r = await trainStep(model, tf.train.sgd(1), x, y, { loss: 'categoricalCrossentropy' });
    expect(r.dataLoss).toBeCloseTo(-Math.log(1e-7), 3);
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual([300, -300, 0, 0, 0, 0]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('a softmax over several axes: the loss reads its probabilities (clipped: no gradient where saturated)', async () => {
    // Output [batch, 1, 3], softmax over axes [1, 2] (TF.js takes no other single axis than the last).
    const model = saturated(tf.layers.softmax({ axis: [1, 2] }), [1, 3]);
    const x = tf.tensor2d([[1, 0]]);
    const y = tf.oneHot(tf.tensor1d([1], 'int32'), 3).reshape([1, 1, 3]);
    const r = await trainStep(model, tf.train.sgd(1), x, y, { loss: 'categoricalCrossentropy' });
    // Probabilities [1, 0, 0], the labelled one clipped to 1e-7: −log 1e-7 ≈ 16.118.
    expect(r.dataLoss).toBeCloseTo(-Math.log(1e-7), 3);
    expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual([300, -300, 0, 0, 0, 0]);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('callbacks for TF.js model.fit', () => {
  it('recordWeights records the same per-epoch record; enforceConstraints keeps a MaxNorm kernel within its bound', async () => {
    const data = blobs(60);
    const run = async (withConstraints: boolean) => {
      const model = dense({ softmax: true, constraint: 'maxnorm:m=0.5' });
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const recorder = recordWeights(model, { name: 'keras-style' });
      await model.fit(data.x, data.oneHot, {
        epochs: 3,
        batchSize: 20,
        validationData: [data.x, data.oneHot],
        callbacks: withConstraints ? [enforceConstraints(model), recorder] : [recorder],
        verbose: 0,
      });
      const norms = tf.tidy(() => tf.norm(model.getWeights()[0]!, 'euclidean', 0).dataSync());
      model.dispose();
      return { record: recorder.record!, maxNorm: Math.max(...norms) };
    };
    const on = await run(true);
    const off = await run(false);
    // TF.js's own fit ignores the constraint (tensorflow/tfjs#3345): without the callback the bound is broken.
    expect(off.maxNorm).toBeGreaterThan(0.5 + 1e-3);
    expect(on.maxNorm).toBeLessThanOrEqual(0.5 + 1e-5);
    const r = on.record;
    expect(r.format).toBe(RUN_FORMAT);
    expect(r.config).toMatchObject({
      name: 'keras-style',
      loss: 'categoricalCrossentropy',
      constraint: 'maxnorm:m=0.5,axis=0',
      epochs: 3,
      batchSize: 20,
      trainSize: 60,
    });
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const s of snapshots(r)) {
      expect(s.layers.map((l) => l.name)).toEqual(['hidden', 'out']);
      expect(s.histogram.count).toBe(67);
    }
    expect(r.epochs.every((e) => e.testLoss !== null && e.testAcc !== null && Number.isFinite(e.trainLoss))).toBe(true);
    tf.dispose([data.x, data.sparse, data.oneHot]);
  });
});
