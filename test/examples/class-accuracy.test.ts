/**
 * The example monitor (mnist-demo/examples/class-accuracy.ts) counts each class's accuracy from the
 * epoch's own evaluation (`testPredictions`), which it asks for: no second pass of the model.
 */
import { describe, expect, it } from 'vitest';
import classAccuracy from '../../mnist-demo/examples/class-accuracy.ts';
import { type MonitorContext, tf } from '../../src/index.ts';

describe('the class-accuracy example monitor', () => {
  it('asks for the test predictions and counts from them, never calling the model', async () => {
    expect(classAccuracy.wantsTestPredictions).toBe(true);
    // Classes 0, 1, 2, 1, 1; predicted 0, 1, 0, 2, 1 (a tie in the last row: the first largest, 1); class 3 has no sample.
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 1], 'int32'), 4);
    const values = Float32Array.from([0.7, 0.1, 0.1, 0.1, 0.2, 0.5, 0.2, 0.1, 0.6, 0.1, 0.2, 0.1, 0.1, 0.2, 0.6, 0.1, 0.1, 0.4, 0.4, 0.1]);
    const model = {
      predict: () => {
        throw new Error('the monitor predicted the test set once more');
      },
    } as unknown as tf.LayersModel;
    const context: MonitorContext = { model, validationData: { x: [tf.zeros([5, 1])], y: [y] } };
    const section = await classAccuracy.onEpochEnd({ epoch: 1, batches: [], testPredictions: [{ values, shape: [5, 4] }] }, context);
    expect(section).toEqual({ 0: 1, 1: 2 / 3, 2: 0 });
    tf.dispose([y, ...context.validationData!.x]);
  });
});
