/**
 * The conformance table (cases.ts) against TF.js's own training, case by case:
 *
 *   TF.js's model.fit can train it with every penalty once (checkModelFitPenalties passes)
 *     ─► one batch of all samples, SGD with the same learning rate, from the same weights:
 *        TF.js's logged loss  = fit's data loss + its penalty (each weight's λ·penalty, by hand)
 *        TF.js's new weights  = fit's new weights (the penalties' gradients as TF.js takes them)
 *   it cannot (a recurrent cell's penalties, a layer called twice) ─► refused, naming the weight or layer
 *
 * Cases with random layers (dropout, noise) draw other numbers in the two loops and are left out.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type BatchProgress, checkModelFitPenalties, enforceConstraints, fit, tf } from '../../src/index.ts';
import { CASES, type ModelCase } from './cases.ts';

const RANDOM = /Dropout|GaussianNoise/;
const cases = CASES.filter((c) => !RANDOM.test(c.name));
const LR = 0.1;

/** The case's model, twice, with the same weights. */
function twins(c: ModelCase): [tf.LayersModel, tf.LayersModel] {
  const a = c.build();
  const b = c.build();
  // Assigned, not setWeights: TF.js's LayerVariable.write projects a constrained weight by its constraint.
  b.weights.forEach((w, i) => (w.read() as tf.Variable).assign(a.weights[i]!.read()));
  return [a, b];
}

/** Every case's penalties by hand at the model's current weights. */
const byHand = (c: ModelCase, m: tf.LayersModel) =>
  c.penalties.reduce(
    (s, p) => s + m.weights.filter((w) => p.weight.test(w.originalName)).reduce((t, w) => t + p.byHand(new Float32Array(w.read().dataSync())), 0),
    0,
  );

/** True when TF.js's own model.fit trains the model with each of its penalties once. */
const tfjsCounts = (m: tf.LayersModel) => {
  try {
    checkModelFitPenalties(m);
    return true;
  } catch {
    return false;
  }
};

const compared: string[] = [];
const refused: string[] = [];
afterAll(() => {
  // Not vacuous: both branches taken, as the table says (recurrent cells and a shared layer refused, the rest compared).
  expect(refused.sort()).toEqual(
    [
      'Bidirectional LSTM',
      'ConvLSTM2D',
      'GRU',
      'LSTM',
      'RNN of stacked cells (SimpleRNNCell, GRUCell)',
      'SimpleRNN',
      'an Embedding shared by two inputs',
    ].sort(),
  );
  expect(compared.length).toBe(cases.length - refused.length);
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('TF.js’s own loss and step equal fit’s (data loss + every λ·penalty by hand), or model.fit is refused, naming what it would miscount', async () => {
    const [ours, theirs] = twins(c);
    const { x, y } = c.data();
    const n = (Array.isArray(x) ? x[0]! : x instanceof tf.Tensor ? x : Object.values(x)[0]!).shape[0]!;
    if (!tfjsCounts(theirs)) {
      expect(() => checkModelFitPenalties(theirs)).toThrow(/TF\.js's own model\.fit (does not look|counts its penalties \d+ times)/);
      refused.push(c.name);
      return;
    }
    const penalty = byHand(c, ours);
    const loss = c.loss ?? 'sparseCategoricalCrossentropy';
    let batch = { dataLoss: Number.NaN, penaltyLoss: Number.NaN };
    await fit(
      ours,
      { x, y },
      { epochs: 1, batchSize: n, optimizer: `sgd:lr=${LR}`, loss, shuffle: false, callbacks: [{ onBatchEnd: (p: BatchProgress) => void (batch = p) }] },
    );
    theirs.compile({ optimizer: tf.train.sgd(LR), loss: loss as string });
    let logged = Number.NaN;
    const xs = x instanceof tf.Tensor || Array.isArray(x) ? x : theirs.inputs.map((i) => (x as Record<string, tf.Tensor>)[i.sourceLayer.name]!);
    const ys = y instanceof tf.Tensor || Array.isArray(y) ? y : theirs.outputs.map((o) => (y as Record<string, tf.Tensor>)[o.sourceLayer.name]!);
    await theirs.fit(xs, ys, {
      epochs: 1,
      batchSize: n,
      shuffle: false,
      verbose: 0,
      callbacks: [enforceConstraints(theirs), new tf.CustomCallback({ onBatchEnd: async (_b, logs) => void (logged = logs!['loss'] as number) })],
    });
    expect(batch.penaltyLoss).toBeGreaterThan(0);
    expect(Math.abs(batch.penaltyLoss - penalty)).toBeLessThanOrEqual(1e-5 * penalty);
    expect(Math.abs(logged - (batch.dataLoss + batch.penaltyLoss))).toBeLessThanOrEqual(2e-5 * Math.abs(logged));
    // TF.js's model.fit applies no constraint (tensorflow/tfjs#3345): enforceConstraints does, after the step, as fit.
    const [a, b] = [ours.getWeights(), theirs.getWeights()];
    a.forEach((w, i) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(w, b[i]!))).dataSync()[0]!);
      expect(d, ours.weights[i]!.originalName).toBeLessThanOrEqual(1e-5);
    });
    compared.push(c.name);
  });
});
