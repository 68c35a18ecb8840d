import { describe, expect, it } from 'vitest';
import { applyConstraints, constraint, enforceConstraints, fit, penalty, type Scalar, type Tensor, tf, trainStep } from '../../src/index.ts';
import { expectClose } from '../helpers.ts';

// A linear Dense layer without bias, one SGD step on mean squared error: everything by hand.
const X = [
  [1, 2, -1],
  [0.5, -1, 2],
];
const Y = [
  [1, 0],
  [0, 1],
];
const W0 = [
  [0.3, -0.7],
  [1.2, 0.4],
  [-0.5, 2.1],
];
const LR = 0.1;

function model(opts: { kernelConstraint?: ReturnType<typeof constraint>; kernelRegularizer?: ReturnType<typeof penalty> }) {
  const layer = tf.layers.dense({ units: 2, useBias: false, inputShape: [3], ...opts });
  const m = tf.sequential({ layers: [layer] });
  // Not setWeights: TF.js's LayerVariable.write would apply the constraint to W0 itself.
  (m.weights[0]!.read() as tf.Variable).assign(tf.tensor2d(W0));
  return m;
}

const mse = (yTrue: Tensor, yPred: Tensor) => tf.losses.meanSquaredError(yTrue, yPred) as Scalar;

/** W0 − lr·∂L/∂W for L = mean((XW − Y)²) + extra penalty gradient; returned as rows. */
function sgdByHand(penaltyGrad: (w: number) => number = () => 0): number[][] {
  const n = X.length * 2;
  const P = X.map((x) => [0, 1].map((j) => x.reduce((s, xi, i) => s + xi * W0[i]![j]!, 0)));
  return W0.map((row, i) => row.map((w, j) => w - LR * (X.reduce((s, x, r) => s + (2 / n) * x[i]! * (P[r]![j]! - Y[r]![j]!), 0) + penaltyGrad(w))));
}

/** Keras's MinMaxNorm on the columns (axis 0) of a row-major matrix: w · desired/(ε + n), desired = rate·clip(n, min, max) + (1−rate)·n. */
function minMaxNormByHand(w: number[][], min: number, max: number, rate: number): number[] {
  const out = w.map((r) => [...r]);
  for (let j = 0; j < w[0]!.length; j++) {
    const n = Math.sqrt(w.reduce((s, r) => s + r[j]! ** 2, 0));
    const desired = rate * Math.min(max, Math.max(min, n)) + (1 - rate) * n;
    for (const r of out) r[j]! *= desired / (1e-7 + n);
  }
  return out.flat();
}

describe('trainStep', () => {
  it.each([0, 0.1, 0.5, 1])('applies MinMaxNorm (rate %s) after the update, as Keras computes it', async (rate) => {
    const m = model({ kernelConstraint: constraint(`minmaxnorm:min=0.5,max=1,rate=${rate}`) });
    await trainStep(m, tf.train.sgd(LR), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse });
    const got = Array.from(m.getWeights()[0]!.dataSync());
    expectClose(got, minMaxNormByHand(sgdByHand(), 0.5, 1, rate), 1e-5, 1e-6);
    // The columns' norms really were over max before the constraint, so the check is not vacuous.
    expect(minMaxNormByHand(sgdByHand(), 0.5, 1, 1)).not.toEqual(sgdByHand().flat());
  });

  it('without a constraint, the weights are the plain SGD update', async () => {
    const m = model({});
    await trainStep(m, tf.train.sgd(LR), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse });
    expectClose(Array.from(m.getWeights()[0]!.dataSync()), sgdByHand().flat(), 1e-5, 1e-6);
  });

  it('adds the penalty to the loss and its gradient to the update', async () => {
    const m = model({ kernelRegularizer: penalty('l2:0.01') });
    const r = await trainStep(m, tf.train.sgd(LR), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse });
    expectClose([r.penaltyLoss], [0.01 * W0.flat().reduce((s, w) => s + w * w, 0)], 1e-5);
    expectClose(Array.from(m.getWeights()[0]!.dataSync()), sgdByHand((w) => 0.02 * w).flat(), 1e-5, 1e-6);
  });

  it('does not leak tensors', async () => {
    const m = model({ kernelRegularizer: penalty('deadzone:0.01'), kernelConstraint: constraint('maxnorm:m=1') });
    const opt = tf.train.adam(0.01);
    const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
    await trainStep(m, opt, x, y, { loss: mse });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await trainStep(m, opt, x, y, { loss: mse });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("leaves a frozen layer's constrained weights alone (Keras projects only the variables it trains)", async () => {
    // The first layer is frozen with MaxNorm m = 0.5 on its columns, whose norms are far above it.
    const frozen = tf.layers.dense({ units: 2, useBias: false, inputShape: [3], trainable: false, kernelConstraint: constraint('maxnorm:m=0.5') });
    const trained = tf.layers.dense({ units: 2, kernelConstraint: constraint('nonneg') });
    const m = tf.sequential({ layers: [frozen, trained] });
    const [kFrozen, kTrained] = [frozen.weights[0]!, trained.weights[0]!];
    (kFrozen.read() as tf.Variable).assign(tf.tensor2d(W0));
    expect(Math.min(...[0, 1].map((j) => Math.hypot(...W0.map((r) => r[j]!))))).toBeGreaterThan(0.5);
    await trainStep(m, tf.train.sgd(LR), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse });
    const w0 = Array.from(tf.tensor2d(W0).dataSync());
    expect(Array.from(kFrozen.read().dataSync())).toEqual(w0);
    // The trained layer is still projected: no negative weight left in its kernel.
    expect(Math.min(...kTrained.read().dataSync())).toBeGreaterThanOrEqual(0);
    // The same for applyConstraints and the callback for TF.js's model.fit.
    expect(Object.keys(applyConstraints(m, true))).toEqual([kTrained.originalName]);
    await enforceConstraints(m).onBatchEnd(0, {});
    expect(Array.from(kFrozen.read().dataSync())).toEqual(w0);
  });

  it("the share a constraint changed counts a layer's output channels where its norms do (a Conv2DTranspose's second last axis)", () => {
    // Kernel [2, 2, filters 3, in 2]; per-filter max norm: only filter 0 (norm 4) is above 0.5.
    const t = tf.layers.conv2dTranspose({
      name: 'tr',
      filters: 3,
      kernelSize: 2,
      inputShape: [3, 3, 2],
      kernelConstraint: constraint('maxnorm:m=0.5,axis=0+1+3'),
    });
    const m = tf.sequential({ layers: [t] });
    const values = Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => (Math.floor(i / 2) % 3 === 0 ? Math.SQRT2 : 0.01));
    (t.weights[0]!.read() as tf.Variable).assign(tf.tensor4d(values, [2, 2, 3, 2]));
    const shares = applyConstraints(m, true);
    expect(shares['tr/kernel']).toBeCloseTo(1 / 3, 6);
  });

  it('fit with controls { freeze }: a frozen weight with a constraint does not move either (its projection skipped too)', async () => {
    const first = tf.layers.dense({ name: 'fc_a', units: 2, useBias: false, inputShape: [3], kernelConstraint: constraint('maxnorm:m=0.5') });
    const m = tf.sequential({ layers: [first, tf.layers.dense({ name: 'fc_b', units: 2, kernelConstraint: constraint('nonneg') })] });
    const k = first.weights[0]!;
    (k.read() as tf.Variable).assign(tf.tensor2d(W0));
    const w0 = Array.from(tf.tensor2d(W0).dataSync());
    const record = await fit(
      m,
      { x: tf.tensor2d(X), y: tf.tensor2d(Y) },
      { epochs: 2, batchSize: X.length, optimizer: 'sgd:lr=0.1', loss: 'meanSquaredError', controls: { freeze: ['fc_a/*'] } },
    );
    expect(Array.from(k.read().dataSync())).toEqual(w0);
    expect(Math.min(...m.layers[1]!.getWeights()[0]!.dataSync())).toBeGreaterThanOrEqual(0);
    expect(record.config.freeze).toBe('fc_a/*');
    // trainStep takes the same patterns; without them the constraint projects (no update: lr 0).
    await trainStep(m, tf.train.sgd(0), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse, frozen: ['fc_a/kernel'] });
    expect(Array.from(k.read().dataSync())).toEqual(w0);
    await trainStep(m, tf.train.sgd(0), tf.tensor2d(X), tf.tensor2d(Y), { loss: mse });
    expect(Math.max(...[0, 1].map((j) => Math.hypot(...[0, 1, 2].map((i) => k.read().dataSync()[i * 2 + j]!))))).toBeCloseTo(0.5, 5);
  });
});
