/**
 * A NaN weight has no bin, no magnitude and no order, and an infinite one a norm JSON cannot hold:
 * the record must not count them silently out of (or as null into) its histograms, sparsity,
 * percentiles and norms. A snapshot of a model holding one stops, naming the weight; TF.js's own
 * model.fit trains on through NaN, so recordWeights is where it shows; this library's fit stops the
 * run as diverged. What is not finite before training (a penalty at the untrained weights, a model's
 * weights as given) is said to be so, not to have diverged.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DataError, NonFiniteWeightsError, SpecError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { weightStatistics } from '../../src/monitor/snapshot.ts';
import { definePenalty, penalty } from '../../src/penalties/index.ts';
import { checkFiniteWeights, checkPenaltyRange, DivergedError, fit, recordWeights } from '../../src/training/index.ts';

// Seeded, small initial weights: every other weight inside the histogram's range, whatever the run.
const small = (seed: number) => tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
const model = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', units: 3, inputShape: [2], kernelInitializer: small(1) }),
      tf.layers.dense({ name: 'out', units: 1, kernelInitializer: small(2) }),
    ],
  });

describe('NaN weights are refused, not left out', () => {
  it('a snapshot of a NaN or ±∞ weight throws a DataError naming it and its count', () => {
    const m = model();
    const kernel = m.layers[0]!.weights[0]!;
    kernel.write(tf.tensor2d([Number.NaN, 1, 2, 3, Number.NaN, 0.5], [2, 3]));
    expect(() => weightStatistics(m)).toThrow(DataError);
    expect(() => weightStatistics(m)).toThrow(/hidden\/kernel: 2 of its 6 values are NaN or infinite/);
    // An infinite weight's norm and percentiles are numbers JSON writes as null ("not measured").
    kernel.write(tf.tensor2d([Number.POSITIVE_INFINITY, 1, 2, 3, Number.NEGATIVE_INFINITY, 0.5], [2, 3]));
    expect(() => weightStatistics(m)).toThrow(NonFiniteWeightsError);
    expect(() => weightStatistics(m)).toThrow(/hidden\/kernel: 2 of its 6 values are NaN or infinite/);
    kernel.write(tf.tensor2d([1e30, 1, 2, 3, -1e30, 0.5], [2, 3]));
    const s = weightStatistics(m);
    expect([s.histogram.below, s.histogram.above]).toEqual([1, 3]);
  });

  it('fit: a weight gone to −∞ while the loss stays finite (a dead ReLU unit) stops the run as diverged, the record so far kept', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'hidden', units: 3, inputShape: [2], activation: 'relu', kernelInitializer: small(1) }),
        tf.layers.dense({ name: 'out', units: 1, kernelInitializer: small(2) }),
      ],
    });
    const x = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 10),
      [16, 2],
    );
    const y = tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => (i % 5) / 5),
      [16, 1],
    );
    // After epoch 1, unit 0's bias goes to −∞: relu(−∞) = 0, its gradient 0, the loss finite.
    const kill = new tf.CustomCallback({
      onEpochEnd: async (epoch) => {
        if (epoch === 0) m.layers[0]!.weights[1]!.write(tf.tensor1d([Number.NEGATIVE_INFINITY, 0, 0]));
      },
    });
    const err = await fit(m, { x, y }, { epochs: 3, batchSize: 8, optimizer: 'sgd:lr=0.01', loss: 'meanSquaredError', callbacks: [kill] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DivergedError);
    const d = err as DivergedError;
    expect(d.message).toMatch(/the weight hidden\/bias became NaN or infinite at epoch 2, batch 2/);
    expect(d.record.epochs).toHaveLength(1);
    expect(d.record.stopped).toMatchObject({ epoch: 2, batch: 2 });
    tf.dispose([x, y]);
  });

  it('recordWeights with TF.js’s own model.fit: a diverging run stops at the first NaN snapshot, the epochs before kept', async () => {
    const m = model();
    m.compile({ optimizer: tf.train.sgd(1e6), loss: 'meanSquaredError' });
    const x = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) - 5),
      [16, 2],
    );
    const y = tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => (i % 5) * 10),
      [16, 1],
    );
    const recorder = recordWeights(m);
    await expect(m.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: [recorder] })).rejects.toThrow(/values are NaN/);
    // Every epoch the record holds measured every weight: its histogram's bins, below and above add up to its count.
    for (const s of [recorder.record!.initial, ...recorder.record!.epochs]) {
      const h = s.histogram;
      const inBins = Math.round(h.density.reduce((sum, d) => sum + d, 0) * ((h.hi - h.lo) / h.density.length) * h.count);
      expect(inBins + h.below + h.above).toBe(h.count);
    }
  });

  it('fit: a penalty not finite at the untrained weights is refused before training, naming the weight, its value and probePenalty, not said to have diverged', async () => {
    // Σ log|w| is −∞ at a bias of 0 (TF.js's default); Σ √w is NaN at a bias of −1.
    definePenalty({ name: 'logabs_at_start', fn: (w) => tf.sum(tf.log(tf.abs(w))) });
    definePenalty({ name: 'sqrt_at_start', fn: (w) => tf.sum(tf.sqrt(w)) });
    const x = tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [4, 2]);
    const y = tf.tensor2d([0, 1, 0, 1], [4, 1]);
    const cases = [
      [{}, 'logabs_at_start:0.001', '-Infinity'],
      [{ biasInitializer: tf.initializers.constant({ value: -1 }) }, 'sqrt_at_start:0.001', 'NaN'],
    ] as const;
    for (const [init, spec, value] of cases) {
      const m = tf.sequential({
        layers: [
          tf.layers.dense({ name: 'hidden', units: 3, inputShape: [2], kernelInitializer: small(1), ...init, biasRegularizer: penalty(spec) }),
          tf.layers.dense({ name: 'out', units: 1, kernelInitializer: small(2) }),
        ],
      });
      let began = false;
      const callbacks = [{ onTrainBegin: () => void (began = true) }];
      const err = await fit(m, { x, y }, { epochs: 2, batchSize: 2, optimizer: 'sgd:lr=0.01', loss: 'meanSquaredError', callbacks }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SpecError);
      const message = (err as Error).message;
      expect(message).toContain(`the penalty is not finite at the untrained weights: λ·penalty is ${value} for hidden/bias (${spec}); nothing was trained`);
      expect(message).toMatch(/check it with probePenalty, or start from weights where it is finite$/);
      expect(message).not.toMatch(/became|diverged|epoch 1/);
      expect(began).toBe(false);
      // fitToFolder: refused before its folder is made.
      const parent = mkdtempSync(join(tmpdir(), 'penx-nan-penalty-'));
      onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
      const dir = join(parent, 'runs', 'r');
      await expect(fitToFolder(m, { x, y }, { epochs: 1, batchSize: 2, loss: 'meanSquaredError', dir, figures: false })).rejects.toThrow(SpecError);
      expect(existsSync(join(dir, '..'))).toBe(false);
      m.dispose();
    }
    tf.dispose([x, y]);
  });

  it("a user's penalty whose own float32 value overflows at the weights is refused as not finite, saying float32's largest value (it named only a log or a division at w = 0)", () => {
    definePenalty({ name: 'rangef32', fn: (w) => tf.mul(tf.square(w), 1e38) });
    // At w = 2, φ = 4e38: ∞ in float32, where TF.js computes it.
    const m = tf.sequential({
      layers: [
        tf.layers.dense({
          name: 'a',
          units: 1,
          inputShape: [2],
          kernelInitializer: tf.initializers.constant({ value: 2 }),
          kernelRegularizer: penalty('rangef32:1'),
        }),
      ],
    });
    expect(() => checkPenaltyRange(m)).toThrow(
      'the penalty is not finite at the untrained weights: λ·penalty is Infinity for a/kernel (rangef32:1); nothing was trained; ' +
        'a penalty must be finite at the weights training starts from (a log or a division at w = 0 is not, nor a value beyond 3.4028235e38, the largest float32, in which TF.js computes it: ±Infinity)',
    );
    m.dispose();
  });

  it('checkFiniteWeights reads the counts of every weight back once, naming each weight that is not finite', () => {
    const m = model();
    const reads = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      checkFiniteWeights(m);
      expect(reads).toHaveBeenCalledTimes(1);
      m.layers[0]!.weights[1]!.write(tf.tensor1d([0, Number.NaN, 0]));
      m.layers[1]!.weights[0]!.write(tf.tensor2d([[Number.NaN], [1], [Number.NEGATIVE_INFINITY]]));
      reads.mockClear();
      const err = (() => {
        try {
          checkFiniteWeights(m);
        } catch (e) {
          return e as NonFiniteWeightsError;
        }
      })();
      expect(reads).toHaveBeenCalledTimes(1);
      expect(err).toBeInstanceOf(NonFiniteWeightsError);
      expect(err?.weight).toBe('hidden/bias');
      expect(err?.message).toContain(
        'weights hidden/bias (1 of its 3 values), out/kernel (2 of its 3 values) hold values NaN or infinite before training, in the model as it was given',
      );
    } finally {
      reads.mockRestore();
      m.dispose();
    }
  });

  it('a model whose weights are NaN or ±∞ before training is refused as such (not as diverged), before a run folder is made', async () => {
    const m = model();
    m.layers[1]!.weights[0]!.write(tf.tensor2d([[Number.NaN], [1], [Number.POSITIVE_INFINITY]]));
    const x = tf.tensor2d([0.1, 0.2, 0.3, 0.4], [2, 2]);
    const y = tf.tensor2d([0, 1], [2, 1]);
    const said = 'weight out/kernel: 2 of its 3 values are NaN or infinite before training, in the model as it was given';
    const options = { epochs: 1, batchSize: 2, loss: 'meanSquaredError' } as const;
    const err = (await fit(m, { x, y }, options).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(NonFiniteWeightsError);
    expect(err.message).toContain(said);
    expect(err.message).not.toMatch(/diverged\)|learning rate/);
    const dir = mkdtempSync(join(tmpdir(), 'penx-nan-start-'));
    try {
      await expect(fitToFolder(m, { x, y }, { ...options, dir: join(dir, 'run'), figures: false })).rejects.toThrow(said);
      expect(existsSync(join(dir, 'run'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // TF.js's own model.fit with recordWeights: the same, as it begins.
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [recordWeights(m)] })).rejects.toThrow(said);
    tf.dispose([x, y]);
    m.dispose();
  });
});
