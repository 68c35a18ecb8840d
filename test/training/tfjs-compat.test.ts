/**
 * `fit` behaves as TF.js users expect: TF.js's forms of data (validationData as [x, y], several
 * inputs and outputs as arrays or maps by name, loss per output), unknown options refused with the
 * nearest known key, TF.js's own callbacks (early stopping, CustomCallback) with TF.js's logs, a
 * sensible callback order, and TF.js's metrics in the record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, type FitCallback, fit, fitToFolder, penalty, tf, UsageError } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-compat-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const labels = (n: number, k: number) =>
  tf.tensor1d(
    Array.from({ length: n }, (_, i) => i % k),
    'float32',
  );
const mlp = () =>
  tf.sequential({
    name: 'mlp',
    layers: [
      tf.layers.dense({ name: 'h', units: 6, inputShape: [4], activation: 'relu', kernelInitializer: init(1), kernelRegularizer: penalty('l2:0.01') }),
      tf.layers.dense({ name: 'o', units: 3, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
const data = (n = 24, seed = 3) => ({ x: tf.randomUniform([n, 4], -1, 1, 'float32', seed), y: labels(n, 3) });

/** Two inputs (a, b) and two outputs (cls: 3 classes, reg: one value). */
function twoByTwo() {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [2], name: 'b' });
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const h = tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: init(4) }).apply(joined) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ name: 'cls', units: 3, activation: 'softmax', kernelInitializer: init(5) }).apply(h) as tf.SymbolicTensor;
  const reg = tf.layers.dense({ name: 'reg', units: 1, kernelInitializer: init(6) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ name: 'two_by_two', inputs: [a, b], outputs: [cls, reg] });
}
const twoData = (n = 20) => ({
  a: tf.randomUniform([n, 3], -1, 1, 'float32', 7),
  b: tf.randomUniform([n, 2], -1, 1, 'float32', 8),
  cls: labels(n, 3),
  reg: tf.randomUniform([n, 1], -1, 1, 'float32', 9),
});
const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('data in TF.js’s forms', () => {
  it('validationData as TF.js’s [x, y] is the same as { x, y }', async () => {
    const d = data();
    const v = data(12, 5);
    const a = await fit(mlp(), d, { epochs: 1, batchSize: 8, loss: 'sparseCategoricalCrossentropy', validationData: [v.x, v.y] });
    const b = await fit(mlp(), d, { epochs: 1, batchSize: 8, loss: 'sparseCategoricalCrossentropy', validationData: v });
    expect(a.epochs[0]!.testLoss).not.toBeNull();
    expect(a.epochs[0]!.testLoss).toBe(b.epochs[0]!.testLoss);
    expect(a.config.testSize).toBe(12);
    await expect(fit(mlp(), d, { epochs: 1, validationData: [v.x, v.y, v.y] as never })).rejects.toThrow(
      /sample weights \(\[x, y, weights\]\) are not supported; give \[x, y\]/,
    );
    await expect(fit(mlp(), d, { epochs: 1, validationData: v.x as never })).rejects.toThrow(
      /validationData must be \[x, y\] \(as TF\.js takes it\) or \{ x, y \}/,
    );
  });

  it('validationSplit takes the last share of the samples, as TF.js does', async () => {
    const d = data(20);
    const r = await fit(mlp(), d, { epochs: 1, batchSize: 4, loss: 'sparseCategoricalCrossentropy', validationSplit: 0.25 });
    expect([r.config.trainSize, r.config.testSize]).toEqual([15, 5]);
    await expect(fit(mlp(), d, { epochs: 1, validationSplit: 1.5 })).rejects.toThrow(/validationSplit must be a share between 0 and 1/);
  });

  it('several inputs and outputs: arrays or maps by name, a loss per output, its loss the sum of theirs (as TF.js computes it)', async () => {
    const d = twoData();
    const options = { epochs: 2, batchSize: 5, optimizer: 'adam:lr=0.01', seed: 4, shuffle: false };
    const byArray = twoByTwo();
    const byName = twoByTwo();
    byName.setWeights(byArray.getWeights());
    const ra = await fit(
      byArray,
      { x: [d.a, d.b], y: [d.cls, d.reg] },
      {
        ...options,
        loss: ['sparseCategoricalCrossentropy', 'meanSquaredError'],
        validationData: [
          [d.a, d.b],
          [d.cls, d.reg],
        ],
      },
    );
    const rb = await fit(
      byName,
      { x: { b: d.b, a: d.a }, y: { reg: d.reg, cls: d.cls } },
      {
        ...options,
        loss: { reg: 'meanSquaredError', cls: 'sparseCategoricalCrossentropy' },
        validationData: { x: { a: d.a, b: d.b }, y: { cls: d.cls, reg: d.reg } },
      },
    );
    expect(weightsOf(byArray)).toEqual(weightsOf(byName));
    expect(ra.config.loss).toBe('sparseCategoricalCrossentropy, meanSquaredError');
    // Accuracy per output, as TF.js logs it with several outputs; no single accuracy.
    expect(Object.keys(ra.epochs[0]!.testMetrics!)).toEqual(['cls_loss', 'reg_loss', 'cls_acc']);
    expect(ra.epochs[0]!.testAcc).toBeNull();
    // The test loss is TF.js's: the sum of the outputs' losses, here by TF.js's own functions on its predictions.
    const [cls, reg] = byArray.predict([d.a, d.b]) as tf.Tensor[];
    const theirs = tf.tidy(() =>
      [tf.metrics.categoricalCrossentropy(tf.oneHot(tf.cast(d.cls, 'int32'), 3), cls!), tf.metrics.MSE(d.reg, reg!)].map((t) => t.mean().dataSync()[0] ?? NaN),
    );
    const ours = await evaluate(byArray, { x: [d.a, d.b], y: [d.cls, d.reg] }, { loss: ['sparseCategoricalCrossentropy', 'meanSquaredError'] });
    expect(ours.metrics['cls_loss']).toBeCloseTo(theirs[0]!, 5);
    expect(ours.metrics['reg_loss']).toBeCloseTo(theirs[1]!, 5);
    expect(ours.loss).toBeCloseTo(theirs[0]! + theirs[1]!, 5);
    expect(rb.epochs.at(-1)!.testLoss).toBeCloseTo(ours.loss, 5);
  });

  it('refuses a wrong form with a message saying what to pass', async () => {
    const d = twoData();
    const m = twoByTwo();
    await expect(fit(m, { x: d.a, y: [d.cls, d.reg] }, { epochs: 1 })).rejects.toThrow(
      /x is one tensor, but the model has 2 inputs \(a, b\); give x as \[a, b\] or \{ a: …, b: … \}/,
    );
    await expect(fit(m, { x: { a: d.a, bb: d.b }, y: [d.cls, d.reg] }, { epochs: 1 })).rejects.toThrow(
      /x names input 'bb' \(did you mean 'b'\?\), which the model does not have/,
    );
    await expect(fit(m, { x: [d.a, d.b], y: [d.cls, d.reg] }, { epochs: 1, loss: ['meanSquaredError'] })).rejects.toThrow(
      /loss: 1 given for a model of 2 output\(s\) \(cls, reg\)/,
    );
  });
});

describe('options', () => {
  it.each([
    ['batch_size', /unknown option 'batch_size' \(did you mean 'batchSize'\?\)/],
    ['epocs', /unknown option 'epocs' \(did you mean 'epochs'\?\)/],
    ['validation_data', /did you mean 'validationData'/],
    ['classWeight', /option 'classWeight' is not supported; class weights are not supported/],
    ['initialEpoch', /continue a run with 'from'/],
  ])('%s is refused, naming the nearest known key', async (key, message) => {
    await expect(fit(mlp(), data(), { epochs: 1, [key]: 1 } as never)).rejects.toThrow(UsageError);
    await expect(fit(mlp(), data(), { epochs: 1, [key]: 1 } as never)).rejects.toThrow(message);
  });

  it('fitToFolder checks its own options too, and nothing is written', async () => {
    const dir = join(root, 'typo');
    await expect(fitToFolder(mlp(), data(), { dir, epochs: 1, figure: false } as never)).rejects.toThrow(
      /fitToFolder: unknown option 'figure' \(did you mean 'figures'\?\)/,
    );
    expect((await import('node:fs')).existsSync(dir)).toBe(false);
  });
});

describe('TF.js’s callbacks', () => {
  it('tf.callbacks.earlyStopping stops the run; the record says after which epoch', async () => {
    const stop = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 0 });
    const d = data();
    // No learning: val_loss never improves after the first epoch.
    const r = await fit(mlp(), d, {
      epochs: 10,
      batchSize: 8,
      optimizer: tf.train.sgd(0),
      loss: 'sparseCategoricalCrossentropy',
      validationData: [d.x, d.y],
      callbacks: [stop],
    });
    expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(r.endedEarly).toMatchObject({ epoch: 2 });
  });

  it('a tf.CustomCallback gets TF.js’s logs (loss with the penalties, acc, val_loss, val_acc) with 0-based epochs', async () => {
    const seen: Array<[number, tf.Logs]> = [];
    const batches: tf.Logs[] = [];
    const cb = new tf.CustomCallback({
      onEpochEnd: async (epoch, logs) => void seen.push([epoch, { ...logs }]),
      onBatchEnd: async (_b, logs) => void batches.push({ ...logs }),
    });
    const d = data();
    const r = await fit(mlp(), d, { epochs: 2, batchSize: 8, loss: 'sparseCategoricalCrossentropy', validationData: [d.x, d.y], callbacks: [cb] });
    expect(seen.map(([e]) => e)).toEqual([0, 1]);
    const [, logs] = seen[1]!;
    expect(Object.keys(logs).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const e2 = r.epochs[1]!;
    expect(logs['val_loss']).toBe(e2.testLoss);
    expect(logs['val_acc']).toBe(e2.testAcc);
    expect(logs['acc']).toBe(e2.trainAcc);
    // TF.js's loss: the data loss plus the penalties before each update (three batches of 8).
    const penalties = e2.batchLosses!.penalty;
    expect(penalties).toHaveLength(3);
    expect(logs['loss']! - e2.trainLoss).toBeCloseTo(penalties.reduce((a, p) => a + p, 0) / 3, 4);
    expect(batches[0]).toMatchObject({ batch: 0, size: 8 });
  });

  it('calls this library’s callbacks in order: onTrainBegin first, epoch 0 like the others, onTrainEnd last', async () => {
    const events: string[] = [];
    const cb: FitCallback = {
      onTrainBegin: ({ config, resumedAfter }) => void events.push(`trainBegin ${config.epochs} ${resumedAfter}`),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchEnd: (p) => void events.push(`batch ${p.epoch}.${p.batch}`),
      onEpochEnd: (e, record) => void events.push(`epochEnd ${e} ${record.epochs.length}`),
      onTrainEnd: (record) => void events.push(`trainEnd ${record.epochs.length}`),
    };
    await fit(mlp(), data(16), { epochs: 2, batchSize: 8, loss: 'sparseCategoricalCrossentropy', callbacks: [cb] });
    expect(events).toEqual([
      'trainBegin 2 0',
      'epochEnd 0 0',
      'epochBegin 1',
      'batch 1.1',
      'batch 1.2',
      'epochEnd 1 1',
      'epochBegin 2',
      'batch 2.1',
      'batch 2.2',
      'epochEnd 2 2',
      'trainEnd 2',
    ]);
  });

  it('calls onPruneProgress while an epoch’s prune curve is measured: before its onEpochEnd, after it when this library’s callback ended the run there', async () => {
    const run = async (epochs: number, prune: true | { epochs: number[] }, stopAfter?: number) => {
      const events: string[] = [];
      const cb: FitCallback = {
        onBatchEnd: (p) => void events.push(`batch ${p.epoch}`),
        onPruneProgress: (p) => void events.push(`prune ${p.epoch}`),
        onEpochEnd: (e, _record, { model }) => {
          events.push(`epochEnd ${e}`);
          if (e === stopAfter) model.stopTraining = true;
        },
        onTrainEnd: () => void events.push('trainEnd'),
      };
      const d = data(16);
      await fit(mlp(), d, { epochs, batchSize: 8, loss: 'sparseCategoricalCrossentropy', validationData: [d.x, d.y], prune, callbacks: [cb] });
      // Consecutive repeats as one (a batch per batch, a progress call per evaluation).
      return events.filter((e, i) => e !== events[i - 1]);
    };
    expect(await run(2, { epochs: [1, 2] })).toEqual(['epochEnd 0', 'batch 1', 'prune 1', 'epochEnd 1', 'batch 2', 'prune 2', 'epochEnd 2', 'trainEnd']);
    // The curve asked for after the last epoch, measured where the callback ended the run: once the callbacks saw that epoch.
    expect(await run(3, true, 1)).toEqual(['epochEnd 0', 'batch 1', 'epochEnd 1', 'prune 1', 'trainEnd']);
  });
});

describe('metrics', () => {
  it('accuracy by default for classification, none for regression; TF.js’s names and functions when given', async () => {
    const d = data();
    const r = await fit(mlp(), d, { epochs: 1, batchSize: 8, loss: 'sparseCategoricalCrossentropy', validationData: [d.x, d.y] });
    expect(r.config.metrics).toEqual(['acc']);
    expect(r.epochs[0]!.testMetrics).toEqual({ acc: r.epochs[0]!.testAcc });
    const reg = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], kernelInitializer: init(7) })] });
    const y = tf.randomUniform([24, 1], -1, 1, 'float32', 6);
    const none = await fit(reg, { x: d.x, y }, { epochs: 1, batchSize: 8, loss: 'meanSquaredError', validationData: [d.x, y] });
    expect(none.config.metrics).toEqual([]);
    const maxAbs = (yt: tf.Tensor, yp: tf.Tensor) => tf.max(tf.abs(tf.sub(yt, yp)), -1);
    const given = await fit(reg, { x: d.x, y }, { epochs: 1, batchSize: 8, loss: 'meanSquaredError', metrics: ['mae', maxAbs], validationData: [d.x, y] });
    expect(given.config.metrics).toEqual(['mae', 'maxAbs']);
    const mae = tf.tidy(
      () =>
        tf.metrics
          .meanAbsoluteError(y, reg.predict(d.x) as tf.Tensor)
          .mean()
          .dataSync()[0]!,
    );
    expect(given.epochs[0]!.testMetrics!['mae']).toBeCloseTo(mae, 5);
    expect(given.epochs[0]!.trainMetrics!['maxAbs']).toBeGreaterThan(0);
    await expect(fit(reg, { x: d.x, y }, { epochs: 1, metrics: ['accuracyy'] })).rejects.toThrow(/unknown metric 'accuracyy' \(did you mean 'accuracy'\?\)/);
  });
});
