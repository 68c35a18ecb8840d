/**
 * A custom layer's trainable int32 weight (`addWeight(…, 'int32', …, trainable: true)`): TF.js lists
 * it among `model.trainableWeights`, yet no gradient can train it (TF.js's optimisers would assign it
 * a float32 update and throw). `fit` leaves it to its layer and the record says it is not trained:
 * its values unchanged, counted apart in `nonTrainable`, not in the trainable histograms or totals.
 * TF.js's own `model.fit` would give it a float32 update (its Cast gradient passes one on to the
 * int32 weight) and stop mid-step: `recordWeights` refuses such a run as it begins.
 */
import { afterAll, expect, it } from 'vitest';
import { fit, recordWeights, tf, UsageError } from '../../src/node.ts';
import build from '../fixtures/models/int-levels.ts';

const data = () => ({
  x: tf.randomUniform([8, 2, 2, 1], 0, 1, 'float32', 1),
  y: tf.oneHot(tf.tensor1d([0, 1, 2, 0, 2, 1, 1, 0], 'int32'), 3),
});
afterAll(() => tf.disposeVariables());

it('fit trains the float weights, leaves the int32 one as it is and records it as not trainable', async () => {
  const model = build([2, 2, 1], 3, { seed: 1 });
  const [mix, levels] = model.getLayer('levels').weights;
  const before = Array.from(mix!.read().dataSync());
  const d = data();
  const record = await fit(model, d, { epochs: 1, batchSize: 4, optimizer: 'sgd:lr=0.5' });
  expect(model.trainableWeights.map((w) => w.originalName)).toContain('levels/levels');
  expect([levels!.read().dtype, Array.from(levels!.read().dataSync())]).toEqual(['int32', [2, 2, 2, 2]]);
  expect(Array.from(mix!.read().dataSync())).not.toEqual(before);
  expect(record.config.weights.map((w) => [w.name, w.trainable])).toEqual([
    ['levels/my_kernel', true],
    ['levels/levels', false],
    ['head/kernel', true],
    ['head/bias', true],
  ]);
  expect(record.config.model).toMatchObject({ weights: 4 * 4 + 4 + 4 * 3 + 3, trainableWeights: 4 * 4 + 4 * 3 + 3 });
  for (const s of [record.initial, ...record.epochs]) {
    expect(s.histogram.count).toBe(4 * 4 + 4 * 3 + 3);
    expect(s.nonTrainable?.count).toBe(4);
    expect(s.nonTrainable?.layers.map((l) => [l.name, l.weights?.map((w) => w.name)])).toEqual([['levels', ['levels/levels']]]);
  }
  tf.dispose([d.x, d.y]);
  model.dispose();
});

it("recordWeights refuses TF.js's model.fit on a trainable int32 weight a gradient reaches, before its first batch, naming it", async () => {
  const model = build([2, 2, 1], 3, { seed: 1 });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const before = model.weights.map((w) => Array.from(w.read().dataSync()));
  const recorder = recordWeights(model);
  const d = data();
  const run = model.fit(d.x, d.y, { epochs: 1, batchSize: 4, callbacks: [recorder] });
  await expect(run).rejects.toThrow(UsageError);
  await expect(run).rejects.toThrow(
    /^weight levels\/levels \(int32\) is trainable and a gradient reaches it .*; train with this library's fit, which leaves an integer weight to its layer, or make it non-trainable/,
  );
  // Nothing trained (TF.js's own error came after updating levels/my_kernel), nothing recorded.
  expect(model.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(before);
  expect(recorder.record).toBeUndefined();
  tf.dispose([d.x, d.y]);
  model.dispose();
});

/** A layer x·kernel with a trainable int32 weight it never reads (a count kept by other code): no gradient reaches it. */
class UnreadCount extends tf.layers.Layer {
  private kernel?: tf.LayerVariable;
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.kernel = this.addWeight('kernel', [(inputShape as tf.Shape).at(-1) as number, 3], 'float32', tf.initializers.ones());
    this.addWeight('count', [1], 'int32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null, 3];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.softmax(tf.matMul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.kernel!.read()));
  }
  static className = 'IntWeightTestUnreadCount';
}

it('recordWeights lets model.fit train a model whose trainable int32 weight no gradient reaches, recorded apart', async () => {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), new UnreadCount({ name: 'unread' })] });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const recorder = recordWeights(model);
  const d = data();
  await model.fit(d.x, d.y, { epochs: 1, batchSize: 4, callbacks: [recorder] });
  expect(recorder.record?.config.weights.map((w) => [w.name, w.trainable])).toEqual([
    ['unread/kernel', true],
    ['unread/count', false],
  ]);
  expect(recorder.record?.epochs[0]?.nonTrainable?.count).toBe(1);
  tf.dispose([d.x, d.y]);
  model.dispose();
});
