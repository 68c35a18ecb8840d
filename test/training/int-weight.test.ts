/**
 * A custom layer's trainable int32 weight (`addWeight(…, 'int32', …, trainable: true)`): TF.js lists
 * it among `model.trainableWeights`, yet no gradient can train it (TF.js's optimisers would assign it
 * a float32 update and throw). `fit` leaves it to its layer and the record says it is not trained:
 * its values unchanged, counted apart in `nonTrainable`, not in the trainable histograms or totals.
 */
import { afterAll, expect, it } from 'vitest';
import { fit, tf } from '../../src/node.ts';
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
