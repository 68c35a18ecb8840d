/**
 * The sharded path (this thread + 2 shard workers) on a model with a frozen nested model and a
 * layer applied twice (its kernel and bias tied between the two places), against this thread
 * alone: the same gradients, scores, and weights after a few steps, the frozen weights unmoved.
 * The workers rebuild the model from its JSON: the nested model's `trainable` (which TF.js's JSON
 * leaves out) and the shared layer's two call sites must come back as they are. (Such a model took
 * one thread: a frozen nested model's layers, trainable themselves, were taken for layers keeping state.)
 */
import { describe, expect, it } from 'vitest';
import { gradientsFor, objectiveOf, optimizerFor, optimizerSpec, tf, trainStep } from '../../src/node.ts';
import { relErr } from '../fixtures/parity.ts';
import { expectShardsMatchOneThread, pretrained, useShardWorkers } from '../fixtures/sharded.ts';

/** input[6] ─► shared Dense 6 ─► the same layer again ─► frozen nested model (Dense 5) ─► Dense 3 softmax. */
function make(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const inner = tf.sequential({
    name: 'frozen_inner',
    layers: [tf.layers.dense({ name: 'inner_dense', units: 5, inputShape: [6], activation: 'tanh', kernelInitializer: init(1) })],
  });
  const values = [pretrained([6, 5], 1), pretrained([5], 2)];
  inner.layers[0]!.setWeights(values);
  tf.dispose(values);
  inner.trainable = false;
  const input = tf.input({ shape: [6] });
  const shared = tf.layers.dense({ name: 'shared', units: 6, activation: 'tanh', kernelInitializer: init(2) });
  const twice = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: init(3) }).apply(inner.apply(twice)) as tf.SymbolicTensor;
  return tf.model({ name: 'nested_tied', inputs: input, outputs: out });
}

const batch = () => ({
  xs: [tf.randomUniform([12, 6], -1, 1, 'float32', 7)],
  ys: [tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 2], 'int32'), 3)],
});

describe('sharded gradients (2 workers) of a frozen nested model and a layer applied twice', () => {
  const workers = useShardWorkers(make, 2);

  it('the model is what the test means: the nested model frozen, the shared kernel once among the trainable weights', () => {
    const m = make();
    expect(m.trainableWeights.map((w) => w.originalName)).toEqual(['shared/kernel', 'shared/bias', 'out/kernel', 'out/bias']);
    expect(m.nonTrainableWeights.map((w) => w.originalName)).toEqual(['inner_dense/kernel', 'inner_dense/bias']);
    expect(workers().threads).toBe(3);
    m.dispose();
  });

  it('gradientsFor splits it across the workers, with no note (it took one thread: "layer frozen_inner/inner_dense (Dense) … keeps state of its own")', async () => {
    const m = make();
    const chosen = await gradientsFor(m, { name: 'wasm', threads: 3, parallel: 'data', workers: 2 });
    try {
      expect(chosen.note).toBeUndefined();
      expect(chosen.gradients.threads).toBe(3);
    } finally {
      await chosen.gradients.close();
      m.dispose();
    }
  }, 60_000);

  it('one batch: the gradients and scores equal this thread’s', async () => {
    const m = make();
    const b = batch();
    const objective = objectiveOf(m, 'categoricalCrossentropy', ['accuracy']);
    await expectShardsMatchOneThread(m, b, workers(), objective);
    tf.dispose([...b.xs, ...b.ys]);
    m.dispose();
  }, 60_000);

  it('three steps end with this thread’s weights; the frozen nested weights unmoved', async () => {
    const [one, two, fresh] = [make(), make(), make()];
    const [optOne, optTwo] = [one, two].map((m) => optimizerFor(m, optimizerSpec('adam:lr=0.05').transform));
    const b = batch();
    for (let step = 0; step < 3; step++) {
      const a = await trainStep(one, optOne!, b.xs, b.ys, {});
      const s = await trainStep(two, optTwo!, b.xs, b.ys, { gradients: workers() });
      expect(s.dataLoss).toBeCloseTo(a.dataLoss, 5);
    }
    const [wa, wb, w0] = [one, two, fresh].map((m) => m.weights.map((w) => [w.originalName, w.read().dataSync()] as const));
    wa!.forEach(([name, w], i) => expect(relErr(wb![i]![1], w), name).toBeLessThan(1e-4));
    for (const [i, [name, w]] of wb!.entries()) {
      const moved = relErr(w0![i]![1], w);
      // The frozen nested weights stay as they were; the trained ones really moved (else equality proves nothing).
      if (name.startsWith('inner_dense/')) expect(moved, name).toBe(0);
      else expect(moved, name).toBeGreaterThan(1e-3);
    }
    tf.dispose([...b.xs, ...b.ys]);
    [one, two, fresh].forEach((m) => m.dispose());
  }, 60_000);
});
